import { communityId } from '../../flow/community-id.js';
import { ipToString } from '../../flow/flow.js';
import type { UniFlow } from './types.js';

/**
 * Address text and Community ID of a UniFlow's endpoints, computed from its address words once per
 * emitted FlowRecord, with buffers reused across calls (no per-call allocation besides the strings).
 * Output is byte-for-byte what `ipToString` and `communityId` (src/flow) give for the same addresses.
 */

const V6_TEXT = new Uint8Array(16);

/** Text of the source (`dst` false) or destination (`dst` true) address, as `ipToString` writes it. */
export function addressText(u: UniFlow, dst: boolean): string {
  const w0 = dst ? u.d0 : u.s0;
  if (u.family === 4) return `${w0 >>> 24}.${(w0 >>> 16) & 0xff}.${(w0 >>> 8) & 0xff}.${w0 & 0xff}`;
  putWord(V6_TEXT, 0, w0);
  putWord(V6_TEXT, 4, dst ? u.d1 : u.s1);
  putWord(V6_TEXT, 8, dst ? u.d2 : u.s2);
  putWord(V6_TEXT, 12, dst ? u.d3 : u.s3);
  return ipToString(V6_TEXT);
}

function putWord(b: Uint8Array, o: number, w: number): void {
  b[o] = w >>> 24; b[o + 1] = (w >>> 16) & 0xff; b[o + 2] = (w >>> 8) & 0xff; b[o + 3] = w & 0xff;
}

const SRC4 = new Uint8Array(4);
const DST4 = new Uint8Array(4);
const SRC6 = new Uint8Array(16);
const DST6 = new Uint8Array(16);

/**
 * Community ID v1 (seed 0) of `u` seen from `reversed ? dst : src`, through the shared implementation.
 * For ICMP the "ports" are type and code and are not swapped with the addresses (as the pairer has
 * always called it).
 */
export function communityIdOf(u: UniFlow, reversed: boolean): string {
  const v4 = u.family === 4;
  const s = v4 ? SRC4 : SRC6;
  const d = v4 ? DST4 : DST6;
  putWords(s, reversed ? [u.d0, u.d1, u.d2, u.d3] : [u.s0, u.s1, u.s2, u.s3]);
  putWords(d, reversed ? [u.s0, u.s1, u.s2, u.s3] : [u.d0, u.d1, u.d2, u.d3]);
  const icmp = u.proto === 1 || u.proto === 58;
  const sp = reversed && !icmp ? u.dstPort : u.srcPort;
  const dp = reversed && !icmp ? u.srcPort : u.dstPort;
  return communityId(s, d, u.proto, sp, dp);
}

function putWords(b: Uint8Array, w: readonly number[]): void {
  for (let i = 0; i * 4 < b.length; i++) putWord(b, i * 4, w[i] ?? 0);
}
