/**
 * pcapng timestamp conversion: 64-bit counts of if_tsresol units (10^-k or 2^-k s) plus if_tsoffset
 * seconds, to µs since epoch (rounded down). The common resolutions (µs, ns) avoid BigInt.
 */

/** How one interface's timestamp units turn into µs. */
export interface TsResolution {
  /** 'us': units are µs; 'div': divide by `div`; 'mul': multiply by `mul`; 'big': exact BigInt path */
  readonly mode: 'us' | 'div' | 'mul' | 'big';
  readonly div: number;
  readonly mul: number;
  /** numerator and denominator of the BigInt path: µs = units * bigNum / bigDen */
  readonly bigNum: bigint;
  readonly bigDen: bigint;
  /** if_tsoffset, µs */
  readonly offsetMicros: number;
}

const TWO32 = 4294967296;

/** The default resolution of an interface without if_tsresol: microseconds. */
export const MICROS: TsResolution = { mode: 'us', div: 1, mul: 1, bigNum: 1n, bigDen: 1n, offsetMicros: 0 };

/** Resolution from an if_tsresol byte (MSB clear: 10^-v s; set: 2^-v s) and an if_tsoffset in seconds. */
export function resolutionFrom(tsresol: number, offsetSeconds: number): TsResolution {
  const offsetMicros = offsetSeconds * 1_000_000;
  const v = tsresol & 0x7f;
  if ((tsresol & 0x80) === 0) {
    if (v === 6) return { ...MICROS, offsetMicros };
    if (v > 6 && v <= 9) return { mode: 'div', div: 10 ** (v - 6), mul: 1, bigNum: 1n, bigDen: 1n, offsetMicros };
    if (v < 6) return { mode: 'mul', div: 1, mul: 10 ** (6 - v), bigNum: 1n, bigDen: 1n, offsetMicros };
    return { mode: 'big', div: 1, mul: 1, bigNum: 1_000_000n, bigDen: 10n ** BigInt(v), offsetMicros };
  }
  return { mode: 'big', div: 1, mul: 1, bigNum: 1_000_000n, bigDen: 1n << BigInt(v), offsetMicros };
}

/** µs since epoch of a timestamp given as its high and low 32-bit words. */
export function toMicros(hi: number, lo: number, r: TsResolution): number {
  switch (r.mode) {
    case 'us':
      return hi * TWO32 + lo + r.offsetMicros;
    case 'div': {
      // split hi*2^32 so every intermediate stays below 2^53 (ns since epoch does not fit a double)
      const q = Math.floor(TWO32 / r.div);
      const rem = TWO32 - q * r.div;
      return hi * q + Math.floor((hi * rem + lo) / r.div) + r.offsetMicros;
    }
    case 'mul':
      return (hi * TWO32 + lo) * r.mul + r.offsetMicros;
    case 'big':
      return Number(((BigInt(hi) * 4294967296n + BigInt(lo)) * r.bigNum) / r.bigDen) + r.offsetMicros;
  }
}
