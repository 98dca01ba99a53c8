import { hash } from 'node:crypto';
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

// one reused hash input per shape: seed(2) + 2 addresses + proto + pad (+ 2 ports)
const IN = { v4: Buffer.alloc(12), v4p: Buffer.alloc(16), v6: Buffer.alloc(36), v6p: Buffer.alloc(40) };
// the two endpoints as bytes, source first; compared and copied in network order
const EP = new Uint8Array(32);

// ICMP type pairs of the Community ID spec: request type -> reply type (both ways); absent = one-way type
const ICMP4: ReadonlyMap<number, number> = new Map([[8, 0], [0, 8], [13, 14], [14, 13], [15, 16], [16, 15], [10, 9], [9, 10], [17, 18], [18, 17]]);
const ICMP6: ReadonlyMap<number, number> = new Map([[128, 129], [129, 128], [133, 134], [134, 133], [135, 136], [136, 135], [130, 131], [131, 130], [144, 145], [145, 144]]);

/**
 * Community ID v1 (seed 0) of `u` seen from `reversed ? dst : src`. For ICMP the "ports" are type and
 * code and are not swapped with the addresses (as the pairer has always called it).
 */
export function communityIdOf(u: UniFlow, reversed: boolean): string {
  const n = u.family === 4 ? 4 : 16;
  // source endpoint at 0, destination at 16
  putWord(EP, 0, reversed ? u.d0 : u.s0);
  putWord(EP, 16, reversed ? u.s0 : u.d0);
  if (n === 16) {
    putWord(EP, 4, reversed ? u.d1 : u.s1); putWord(EP, 8, reversed ? u.d2 : u.s2); putWord(EP, 12, reversed ? u.d3 : u.s3);
    putWord(EP, 20, reversed ? u.s1 : u.d1); putWord(EP, 24, reversed ? u.s2 : u.d2); putWord(EP, 28, reversed ? u.s3 : u.d3);
  }
  const proto = u.proto;
  const icmp = proto === 1 || proto === 58;
  let sp = reversed && !icmp ? u.dstPort : u.srcPort;
  let dp = reversed && !icmp ? u.srcPort : u.dstPort;
  let oneWay = false;
  if (icmp) {
    const mapped = (proto === 1 ? ICMP4 : ICMP6).get(sp);
    if (mapped === undefined) oneWay = true;
    else dp = mapped;
  }
  // lower endpoint first (address, then port) so both directions hash the same
  let cmp = 0;
  for (let i = 0; i < n && cmp === 0; i++) cmp = (EP[i] ?? 0) - (EP[16 + i] ?? 0);
  const swap = !oneWay && (cmp > 0 || (cmp === 0 && sp > dp));
  if (swap) { const t = sp; sp = dp; dp = t; }
  const hasPorts = proto === 6 || proto === 17 || proto === 132 || icmp;
  const buf = n === 4 ? (hasPorts ? IN.v4p : IN.v4) : (hasPorts ? IN.v6p : IN.v6);
  buf[0] = 0; buf[1] = 0;
  const a = swap ? 16 : 0;
  const b = swap ? 0 : 16;
  for (let i = 0; i < n; i++) { buf[2 + i] = EP[a + i] ?? 0; buf[2 + n + i] = EP[b + i] ?? 0; }
  let o = 2 + 2 * n;
  buf[o++] = proto & 0xff;
  buf[o++] = 0;
  if (hasPorts) {
    buf[o++] = (sp >>> 8) & 0xff; buf[o++] = sp & 0xff;
    buf[o++] = (dp >>> 8) & 0xff; buf[o] = dp & 0xff;
  }
  return `1:${hash('sha1', buf, 'base64')}`;
}
