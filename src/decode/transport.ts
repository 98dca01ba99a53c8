/**
 * Transport decoders by IP protocol number: TCP and UDP (ports, TCP flags/seq/ack, payload), SCTP ports;
 * ICMP, ICMPv6 and every other protocol are portless (ports 0, payload = the whole IP payload).
 */
import type { DecodedPacket } from '../core/types.js';
import type { Counters } from '../core/counters.js';

/**
 * A transport decoder: reads d[off, end) into out (ports, flags, payload) and returns undefined, or the
 * name of an anomaly that drops the packet. Truncation that still leaves the ports is counted, not fatal.
 */
export type TransportDecoder = (d: Uint8Array, off: number, end: number, out: DecodedPacket, counters: Counters) => string | undefined;

// an empty payload is one shared array: pure ACKs are a large share of packets
const EMPTY = new Uint8Array(0);

// A plain Uint8Array over the same memory: subarray() of a Node Buffer builds another Buffer through
// its species constructor, which costs more per packet for no use (observers wrap it themselves).
function payloadOf(d: Uint8Array, start: number, end: number): Uint8Array {
  return start < end ? new Uint8Array(d.buffer, d.byteOffset + start, end - start) : EMPTY;
}

function ports(d: Uint8Array, off: number, out: DecodedPacket): void {
  out.srcPort = (d[off]! << 8) | d[off + 1]!;
  out.dstPort = (d[off + 2]! << 8) | d[off + 3]!;
}

function u32(d: Uint8Array, off: number): number {
  return ((d[off]! << 24) | (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!) >>> 0;
}

const tcp: TransportDecoder = (d, off, end, out, counters) => {
  const avail = end - off;
  if (avail < 4) return 'tcp.truncated';
  ports(d, off, out);
  if (avail < 20) {
    // snaplen cut the header: the ports still tie the frame to its flow, so keep its bytes
    counters.inc('tcp.truncated_header');
    if (avail >= 14) out.tcpFlags = d[off + 13]!;
    out.payload = EMPTY;
    return undefined;
  }
  const hlen = (d[off + 12]! >> 4) * 4;
  if (hlen < 20) return 'tcp.bad_data_offset';
  out.seq = u32(d, off + 4);
  out.ack = u32(d, off + 8);
  out.tcpFlags = d[off + 13]!;
  if (hlen > avail) {
    counters.inc('tcp.truncated_header');
    out.payload = EMPTY;
  } else out.payload = payloadOf(d, off + hlen, end);
  return undefined;
};

const udp: TransportDecoder = (d, off, end, out, counters) => {
  const avail = end - off;
  if (avail < 4) return 'udp.truncated';
  ports(d, off, out);
  if (avail < 8) {
    counters.inc('udp.truncated_header');
    out.payload = EMPTY;
    return undefined;
  }
  const len = (d[off + 4]! << 8) | d[off + 5]!;
  let stop = end;
  // UDP length 0 is legal for IPv6 jumbograms; below 8 otherwise is malformed but the IP length still bounds it
  if (len >= 8 && off + len < end) stop = off + len;
  else if (len < 8 && len !== 0) counters.inc('udp.bad_length');
  out.payload = payloadOf(d, off + 8, stop);
  return undefined;
};

const sctp: TransportDecoder = (d, off, end, out) => {
  if (end - off < 12) return 'sctp.truncated';
  ports(d, off, out);
  out.payload = payloadOf(d, off + 12, end);
  return undefined;
};

/** Decoders by IP protocol number; protocols not listed are portless. */
export const TRANSPORT_DECODERS: ReadonlyMap<number, TransportDecoder> = new Map<number, TransportDecoder>([
  [6, tcp],
  [17, udp],
  [132, sctp],
]);

/** Fills the transport fields of out for protocol `proto` over d[off, end). */
export function decodeTransport(d: Uint8Array, off: number, end: number, proto: number, out: DecodedPacket, counters: Counters): string | undefined {
  out.proto = proto;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.seq = 0;
  out.ack = 0;
  const dec = TRANSPORT_DECODERS.get(proto);
  if (dec === undefined) {
    out.payload = payloadOf(d, off, end);
    return undefined;
  }
  return dec(d, off, end, out, counters);
}
