/**
 * IPv4: header checks (version, IHL, total length), options skipped by IHL, Ethernet padding excluded by
 * the total length, fragments handed to reassembly.
 */
import type { DecodedPacket, RawFrame } from '../core/types.js';
import type { DecoderState } from './decoder-state.js';
import { addFragment, takeReassembled } from './fragments.js';
import { decodeTransport } from './transport.js';

/** 'ok', 'pending' (fragment stored), or an anomaly name. */
export type IpOutcome = 'ok' | 'pending' | string;

function latin1(d: Uint8Array, off: number, len: number): string {
  return Buffer.from(d.buffer, d.byteOffset + off, len).toString('latin1');
}

/** Decodes the IPv4 packet at state.cursor.off into out. */
export function decodeIpv4(d: Uint8Array, frame: RawFrame, out: DecodedPacket, state: DecoderState): IpOutcome {
  const c = state.cursor;
  const off = c.off;
  const avail = c.end - off;
  if (avail < 20) return 'ipv4.truncated';
  if (d[off]! >> 4 !== 4) return 'ipv4.bad_version';
  const hlen = (d[off]! & 0x0f) * 4;
  if (hlen < 20) return 'ipv4.bad_ihl';
  if (hlen > avail) return 'ipv4.truncated_header';
  const totalLen = (d[off + 2]! << 8) | d[off + 3]!;
  if (totalLen < hlen) return 'ipv4.bad_total_length';
  // the wire length bounds what the header may claim; a longer claim is counted and clamped
  const onWire = frame.origLen - (frame.data.length - c.end) - off;
  let ipBytes = totalLen;
  if (totalLen > onWire) {
    state.counters.inc('ipv4.total_length_exceeds_frame');
    ipBytes = Math.max(onWire, hlen);
  }
  const end = Math.min(off + totalLen, c.end);
  const proto = d[off + 9]!;
  out.ipVersion = 4;
  out.ipBytes = ipBytes;
  const flagsFrag = (d[off + 6]! << 8) | d[off + 7]!;
  const more = (flagsFrag & 0x2000) !== 0;
  const fragOffset = (flagsFrag & 0x1fff) * 8;
  if (!more && fragOffset === 0) {
    // copied into reused arrays: a view per packet costs more than four byte copies
    const src = state.addr.src4;
    const dst = state.addr.dst4;
    src[0] = d[off + 12]!; src[1] = d[off + 13]!; src[2] = d[off + 14]!; src[3] = d[off + 15]!;
    dst[0] = d[off + 16]!; dst[1] = d[off + 17]!; dst[2] = d[off + 18]!; dst[3] = d[off + 19]!;
    out.src = src;
    out.dst = dst;
    return decodeTransport(d, off + hlen, end, proto, out, state.counters) ?? 'ok';
  }
  const id = (d[off + 4]! << 8) | d[off + 5]!;
  const r = addFragment(state, {
    version: 4,
    key: `4${latin1(d, off + 12, 8)}${id}/${proto}`,
    src: d.subarray(off + 12, off + 16),
    dst: d.subarray(off + 16, off + 20),
    proto,
    offset: fragOffset,
    more,
    data: d.subarray(off + hlen, end),
    ts: frame.ts,
    ipBytes,
    frameBytes: frame.origLen,
    vlan: out.vlan,
  });
  if (typeof r === 'string') return r;
  takeReassembled(out, r);
  const buf = state.reassembled;
  return decodeTransport(buf, 0, buf.length, r.proto, out, state.counters) ?? 'ok';
}
