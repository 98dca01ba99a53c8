/**
 * Seeded pseudo-random numbers for the capture generator (sfc32 seeded through splitmix32), so that
 * two runs with the same seed write byte-identical captures. Not for cryptography.
 */

/** A deterministic random source. */
export interface Rng {
  /** uniform unsigned 32-bit integer */
  u32(): number;
  /** uniform float in [0, 1) */
  float(): number;
  /** uniform integer in [lo, hi] (both inclusive) */
  int(lo: number, hi: number): number;
  /** n random bytes */
  bytes(n: number): Uint8Array;
  /** one element of a non-empty list */
  pick<T>(items: readonly T[]): T;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a string, used to derive a per-capture seed from its name. */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Creates an sfc32 generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // warm up: sfc32's first outputs are weakly mixed
  for (let i = 0; i < 12; i++) u32();
  const float = (): number => u32() / 4294967296;
  return {
    u32,
    float,
    int: (lo, hi) => lo + Math.floor(float() * (hi - lo + 1)),
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const v = u32();
        out[i] = v & 0xff;
        if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
        if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
        if (i + 3 < n) out[i + 3] = v >>> 24;
      }
      return out;
    },
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(float() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}
