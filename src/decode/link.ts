/**
 * Link-layer decoders, one per pcap LINKTYPE, in one table. Each reads its header at cursor.off, moves the
 * cursor past it and says what comes next: an EtherType to dispatch ('ether'), an IP header ('ip'), or a
 * named skip/anomaly in cursor.reason.
 */
import type { Cursor } from './decoder-state.js';

/** What a layer decoder found next. */
export type Step = 'ether' | 'ip' | 'skip' | 'anomaly';

/** A link or EtherType decoder: reads d at c.off (bytes valid up to c.end) and advances c. */
export type LayerDecoder = (d: Uint8Array, c: Cursor) => Step;

function stop(c: Cursor, step: 'skip' | 'anomaly', reason: string): Step {
  c.reason = reason;
  return step;
}

function ether(c: Cursor, headerLen: number, etherType: number): Step {
  c.off += headerLen;
  c.etherType = etherType;
  return 'ether';
}

function ip(c: Cursor, headerLen: number, version: 0 | 4 | 6): Step {
  c.off += headerLen;
  c.ipVersion = version;
  return 'ip';
}

const ethernet: LayerDecoder = (d, c) => {
  if (c.end - c.off < 14) return stop(c, 'anomaly', 'ethernet.truncated');
  const type = (d[c.off + 12]! << 8) | d[c.off + 13]!;
  // values below 0x0600 are an 802.3 length: LLC/SNAP frames (STP, CDP…) carry no IP the sensor tracks
  if (type < 0x0600) return stop(c, 'skip', 'ethernet.llc');
  return ether(c, 14, type);
};

// Linux cooked capture v1: 16-byte header, protocol (an EtherType) in the last 2 bytes
const sll: LayerDecoder = (d, c) => {
  if (c.end - c.off < 16) return stop(c, 'anomaly', 'sll.truncated');
  const proto = (d[c.off + 14]! << 8) | d[c.off + 15]!;
  if (proto < 0x0600) return stop(c, 'skip', 'sll.non_ethertype');
  return ether(c, 16, proto);
};

// Linux cooked capture v2: 20-byte header, protocol first
const sll2: LayerDecoder = (d, c) => {
  if (c.end - c.off < 20) return stop(c, 'anomaly', 'sll2.truncated');
  const proto = (d[c.off]! << 8) | d[c.off + 1]!;
  if (proto < 0x0600) return stop(c, 'skip', 'sll2.non_ethertype');
  return ether(c, 20, proto);
};

function familyStep(c: Cursor, af: number): Step {
  if (af === 2) return ip(c, 4, 4);
  // BSD AF_INET6 differs per OS: 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS)
  if (af === 24 || af === 28 || af === 30) return ip(c, 4, 6);
  return stop(c, 'skip', 'loopback.other_family');
}

// DLT_NULL: a 4-byte address family in the capturing host's byte order
const nullLoopback: LayerDecoder = (d, c) => {
  if (c.end - c.off < 4) return stop(c, 'anomaly', 'loopback.truncated');
  const le = (d[c.off]! | (d[c.off + 1]! << 8) | (d[c.off + 2]! << 16) | (d[c.off + 3]! << 24)) >>> 0;
  const af = le > 0xffff ? (d[c.off + 3]! | (d[c.off + 2]! << 8)) : le;
  return familyStep(c, af);
};

// DLT_LOOP: the same 4 bytes, always big-endian
const loop: LayerDecoder = (d, c) => {
  if (c.end - c.off < 4) return stop(c, 'anomaly', 'loopback.truncated');
  return familyStep(c, ((d[c.off]! << 24) | (d[c.off + 1]! << 16) | (d[c.off + 2]! << 8) | d[c.off + 3]!) >>> 0);
};

const rawIp: LayerDecoder = (_d, c) => ip(c, 0, 0);
const rawIpv4: LayerDecoder = (_d, c) => ip(c, 0, 4);
const rawIpv6: LayerDecoder = (_d, c) => ip(c, 0, 6);

// Cisco HDLC: address, control, then an EtherType
const chdlc: LayerDecoder = (d, c) => {
  if (c.end - c.off < 4) return stop(c, 'anomaly', 'chdlc.truncated');
  return ether(c, 4, (d[c.off + 2]! << 8) | d[c.off + 3]!);
};

const NFULA_PAYLOAD = 9;

// Linux NFLOG: 4-byte header (family), then TLVs with host-order (little-endian) length and type
const nflog: LayerDecoder = (d, c) => {
  if (c.end - c.off < 4) return stop(c, 'anomaly', 'nflog.truncated');
  const family = d[c.off]!;
  let p = c.off + 4;
  for (let i = 0; i < 64 && c.end - p >= 4; i++) {
    const len = d[p]! | (d[p + 1]! << 8);
    const type = (d[p + 2]! | (d[p + 3]! << 8)) & 0x7fff;
    if (len < 4 || p + len > c.end) return stop(c, 'anomaly', 'nflog.bad_tlv');
    if (type === NFULA_PAYLOAD) {
      c.end = p + len;
      c.off = p;
      return ip(c, 4, family === 2 ? 4 : family === 10 ? 6 : 0);
    }
    p += (len + 3) & ~3;
  }
  return stop(c, 'skip', 'nflog.no_payload');
};

/** Link decoders by pcap LINKTYPE: adding a link type is one line. */
export const LINK_DECODERS: ReadonlyMap<number, LayerDecoder> = new Map<number, LayerDecoder>([
  [0, nullLoopback],
  [1, ethernet],
  [12, rawIp],
  [14, rawIp],
  [101, rawIp],
  [104, chdlc],
  [108, loop],
  [113, sll],
  [228, rawIpv4],
  [229, rawIpv6],
  [239, nflog],
  [276, sll2],
]);
