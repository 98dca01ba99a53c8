/** Frame builders for decoder tests. */
import type { RawFrame } from '../../src/core/types.js';

export const MAC = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]; // dst + src MAC

/** IPv4 header (no options unless given) + payload; total length from the parts unless overridden. */
export function ipv4(proto: number, payload: number[], o: { id?: number; flagsFrag?: number; totalLen?: number; options?: number[] } = {}): number[] {
  const opts = o.options ?? [];
  const hlen = 20 + opts.length;
  const total = o.totalLen ?? hlen + payload.length;
  const ff = o.flagsFrag ?? 0;
  const id = o.id ?? 1;
  return [
    0x40 | (hlen / 4), 0, total >> 8, total & 0xff, // version/IHL, DSCP, total length
    id >> 8, id & 0xff, ff >> 8, ff & 0xff, // id, flags + fragment offset
    64, proto, 0, 0, // TTL, protocol, checksum (not checked)
    10, 0, 0, 1, // src 10.0.0.1
    192, 0, 2, 7, // dst 192.0.2.7
    ...opts,
    ...payload,
  ];
}

/** IPv6 header + payload; payload length from the payload. */
export function ipv6(nh: number, payload: number[]): number[] {
  const src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  return [0x60, 0, 0, 0, payload.length >> 8, payload.length & 0xff, nh, 64, ...src, ...dst, ...payload];
}

/** TCP header (20 bytes) with flags + payload. */
export function tcp(sport: number, dport: number, flags: number, payload: number[] = []): number[] {
  return [
    sport >> 8, sport & 0xff, dport >> 8, dport & 0xff,
    0, 0, 0, 100, // seq 100
    0, 0, 0, 200, // ack 200
    0x50, flags, 0xff, 0xff, // data offset 5, flags, window
    0, 0, 0, 0, // checksum, urgent
    ...payload,
  ];
}

/** UDP header + payload. */
export function udp(sport: number, dport: number, payload: number[]): number[] {
  const len = 8 + payload.length;
  return [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, len >> 8, len & 0xff, 0, 0, ...payload];
}

export function frame(linkType: number, bytes: number[], origLen = bytes.length, ts = 1_000_000): RawFrame {
  return { ts, linkType, data: Uint8Array.from(bytes), origLen, interfaceId: 0 };
}
