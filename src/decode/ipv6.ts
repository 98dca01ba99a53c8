/**
 * IPv6: fixed header, a bounded walk over extension headers (hop-by-hop, routing, destination options,
 * fragment, AH), fragments handed to reassembly. Addresses are the IPv6 header's (not a routing header's
 * final destination).
 */
import type { DecodedPacket, RawFrame } from '../core/types.js';
import type { DecoderState } from './decoder-state.js';
import { addFragment, takeReassembled } from './fragments.js';
import type { IpOutcome } from './ipv4.js';
import { decodeTransport } from './transport.js';

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AH = 51;
const DEST_OPTS = 60;

/** Result of a walk, reused: the upper-layer protocol and where it starts, or where a fragment header sits. */
interface Walk {
  proto: number;
  off: number;
  /** offset of the fragment header met, or -1 */
  fragAt: number;
  reason: string;
}

const walk: Walk = { proto: 0, off: 0, fragAt: -1, reason: '' };

/** Walks extension headers from `nh` at d[off, end); stops at the first fragment header or upper layer. */
function walkExtHeaders(d: Uint8Array, off: number, end: number, nh: number, maxExt: number): boolean {
  walk.fragAt = -1;
  for (let i = 0; i <= maxExt; i++) {
    if (nh !== HOP_BY_HOP && nh !== ROUTING && nh !== DEST_OPTS && nh !== AH && nh !== FRAGMENT) {
      walk.proto = nh;
      walk.off = off;
      return true;
    }
    if (i === maxExt) break;
    if (end - off < 8) {
      walk.reason = 'ipv6.truncated_ext_header';
      return false;
    }
    if (nh === FRAGMENT) {
      walk.fragAt = off;
      walk.proto = d[off]!;
      walk.off = off + 8;
      return true;
    }
    const len = nh === AH ? (d[off + 1]! + 2) * 4 : (d[off + 1]! + 1) * 8;
    if (end - off < len) {
      walk.reason = 'ipv6.truncated_ext_header';
      return false;
    }
    nh = d[off]!;
    off += len;
  }
  walk.reason = 'ipv6.too_many_ext_headers';
  return false;
}

function latin1(d: Uint8Array, off: number, len: number): string {
  return Buffer.from(d.buffer, d.byteOffset + off, len).toString('latin1');
}

/** Decodes the IPv6 packet at state.cursor.off into out. */
export function decodeIpv6(d: Uint8Array, frame: RawFrame, out: DecodedPacket, state: DecoderState): IpOutcome {
  const c = state.cursor;
  const off = c.off;
  if (c.end - off < 40) return 'ipv6.truncated';
  if (d[off]! >> 4 !== 6) return 'ipv6.bad_version';
  const payloadLen = (d[off + 4]! << 8) | d[off + 5]!;
  const nh = d[off + 6]!;
  const onWire = frame.origLen - (frame.data.length - c.end) - off;
  let ipBytes = payloadLen + 40;
  // payload length 0 with a hop-by-hop header is a jumbogram: the wire length is the best measure
  if (payloadLen === 0 && nh === HOP_BY_HOP) ipBytes = onWire;
  else if (ipBytes > onWire) {
    state.counters.inc('ipv6.payload_length_exceeds_frame');
    ipBytes = Math.max(onWire, 40);
  }
  const end = payloadLen === 0 && nh === HOP_BY_HOP ? c.end : Math.min(off + 40 + payloadLen, c.end);
  out.ipVersion = 6;
  out.ipBytes = ipBytes;
  // copied into reused arrays: a view per packet costs more than the copy
  const src = state.addr.src6;
  const dst = state.addr.dst6;
  for (let i = 0; i < 16; i++) {
    src[i] = d[off + 8 + i]!;
    dst[i] = d[off + 24 + i]!;
  }
  out.src = src;
  out.dst = dst;
  const maxExt = state.bounds.maxExtHeaders;
  if (!walkExtHeaders(d, off + 40, end, nh, maxExt)) return walk.reason;
  if (walk.fragAt < 0) return decodeTransport(d, walk.off, end, walk.proto, out, state.counters) ?? 'ok';
  const f = walk.fragAt;
  const offFlags = (d[f + 2]! << 8) | d[f + 3]!;
  const fragOffset = offFlags & 0xfff8;
  const more = (offFlags & 1) !== 0;
  if (fragOffset === 0 && !more) {
    // an atomic fragment (RFC 6946) is a whole packet
    if (!walkExtHeaders(d, walk.off, end, walk.proto, maxExt)) return walk.reason;
    return decodeTransport(d, walk.off, end, walk.proto, out, state.counters) ?? 'ok';
  }
  const r = addFragment(state, {
    version: 6,
    key: `6${latin1(d, off + 8, 32)}${latin1(d, f + 4, 4)}`,
    src: out.src,
    dst: out.dst,
    proto: walk.proto,
    offset: fragOffset,
    more,
    data: d.subarray(walk.off, end),
    ts: frame.ts,
    ipBytes,
    frameBytes: frame.origLen,
    vlan: out.vlan,
  });
  if (typeof r === 'string') return r;
  takeReassembled(out, r);
  const buf = state.reassembled;
  if (!walkExtHeaders(buf, 0, buf.length, r.proto, maxExt)) return walk.reason;
  if (walk.fragAt >= 0) return 'ipv6.nested_fragment';
  return decodeTransport(buf, walk.off, buf.length, walk.proto, out, state.counters) ?? 'ok';
}
