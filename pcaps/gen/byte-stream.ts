/**
 * Byte streams for TCP payloads that may be far larger than what the capture keeps. A stream is a list
 * of pieces: literal bytes (headers, handshakes) or ranges of a shared random pool (encrypted bodies).
 * The Internet checksum of any pool range comes from prefix sums in O(1), so a 100 MB upload costs
 * no more than its captured heads, yet every segment's checksum is right for its full length.
 */
import type { Rng } from './prng.js';

/** Random bytes plus prefix sums of their checksum contributions at both byte alignments. */
export interface EntropyPool {
  readonly bytes: Uint8Array;
  /** prefEven[k]: sum of pool[j] for j < k, weighted 256 when j is even, 1 when odd */
  readonly prefEven: Float64Array;
  /** prefOdd[k]: the same with the weights swapped (j odd → 256) */
  readonly prefOdd: Float64Array;
}

/** Builds a pool of `size` random bytes (size even; 1 MiB is plenty). */
export function createPool(rng: Rng, size: number): EntropyPool {
  const bytes = rng.bytes(size);
  const prefEven = new Float64Array(size + 1);
  const prefOdd = new Float64Array(size + 1);
  for (let j = 0; j < size; j++) {
    const b = bytes[j] ?? 0;
    const even = (j & 1) === 0;
    prefEven[j + 1] = (prefEven[j] ?? 0) + (even ? b * 256 : b);
    prefOdd[j + 1] = (prefOdd[j] ?? 0) + (even ? b : b * 256);
  }
  return { bytes, prefEven, prefOdd };
}

/** Plain sum of 16-bit big-endian words of `data` placed at `parity` (0: data[0] is a high byte). */
export function sumBytes(data: Uint8Array, parity = 0): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    sum += ((i + parity) & 1) === 0 ? b * 256 : b;
  }
  return sum;
}

/** Folds a plain word sum into a 16-bit one's-complement sum (not yet complemented). */
export function foldSum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = Math.floor(s / 65536) + (s % 65536);
  return s;
}

type Piece = { readonly kind: 'bytes'; readonly data: Uint8Array } | { readonly kind: 'pool'; readonly start: number; readonly length: number };

/** A slice of a stream as a segment carries it: the first bytes, the full length and its word sum. */
export interface StreamSlice {
  /** the first min(length, headWanted) bytes (from take(): valid only until the next take) */
  readonly head: Uint8Array;
  readonly length: number;
  /** plain word sum of all `length` bytes, slice byte 0 as a high byte */
  readonly sum: number;
}

/** A growing byte stream read front to back. */
export interface ByteStream {
  readonly length: number;
  /** bytes not yet taken */
  readonly remaining: number;
  pushBytes(data: Uint8Array): void;
  /** appends n bytes of pool randomness (encrypted-looking), at random pool offsets */
  pushRandom(n: number): void;
  /** takes the next `len` bytes (bounded by what remains), materialising the first `headWanted` */
  take(len: number, headWanted: number): StreamSlice;
}

/** Creates an empty stream over a pool. */
export function createStream(pool: EntropyPool, rng: Rng): ByteStream {
  const pieces: Piece[] = [];
  let length = 0;
  let taken = 0;
  let pieceIdx = 0;
  let pieceOff = 0;
  const maxRun = Math.floor(pool.bytes.length / 2);
  // heads are copied into the frame at once: one scratch buffer spares an allocation per segment
  let scratch = new Uint8Array(2048);

  const take = (len: number, headWanted: number): StreamSlice => {
    const n = Math.min(len, length - taken);
    const headLen = Math.min(n, headWanted);
    if (headLen > scratch.length) scratch = new Uint8Array(headLen);
    const head = scratch.subarray(0, headLen);
    let sum = 0;
    let done = 0;
    while (done < n) {
      const piece = pieces[pieceIdx];
      if (piece === undefined) break;
      const pieceLen = piece.kind === 'bytes' ? piece.data.length : piece.length;
      const run = Math.min(pieceLen - pieceOff, n - done);
      if (piece.kind === 'bytes') {
        const part = piece.data.subarray(pieceOff, pieceOff + run);
        sum += sumBytes(part, done & 1);
        if (done < head.length) head.set(part.subarray(0, head.length - done), done);
      } else {
        const q = piece.start + pieceOff;
        const pref = ((q - done) & 1) === 0 ? pool.prefEven : pool.prefOdd;
        sum += (pref[q + run] ?? 0) - (pref[q] ?? 0);
        if (done < head.length) head.set(pool.bytes.subarray(q, q + Math.min(run, head.length - done)), done);
      }
      done += run;
      pieceOff += run;
      if (pieceOff === pieceLen) {
        pieceIdx++;
        pieceOff = 0;
      }
    }
    taken += n;
    return { head, length: n, sum };
  };

  return {
    get length() {
      return length;
    },
    get remaining() {
      return length - taken;
    },
    pushBytes(data) {
      if (data.length === 0) return;
      pieces.push({ kind: 'bytes', data });
      length += data.length;
    },
    pushRandom(n) {
      let left = n;
      while (left > 0) {
        const run = Math.min(left, maxRun);
        pieces.push({ kind: 'pool', start: rng.int(0, pool.bytes.length - run), length: run });
        length += run;
        left -= run;
      }
    },
    take,
  };
}
