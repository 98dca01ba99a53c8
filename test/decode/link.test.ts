import { describe, expect, it } from 'vitest';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import { frame, ipv4, ipv6, MAC, tcp, udp } from './helpers.js';

const SYN = 0x02;
const tcpV4 = ipv4(6, tcp(40000, 443, SYN));

function decode(linkType: number, bytes: number[]) {
  const out = createDecodedPacket();
  const r = decodeFrame(frame(linkType, bytes), out, createDecoderState());
  return { r, out };
}

describe('link layers', () => {
  it('Ethernet IPv4 TCP', () => {
    const { r, out } = decode(1, [...MAC, 0x08, 0x00, ...tcpV4]);
    expect(r.ok).toBe(true);
    expect(out).toMatchObject({ ipVersion: 4, proto: 6, srcPort: 40000, dstPort: 443, tcpFlags: SYN, seq: 100, ack: 200, vlan: -1 });
    expect([...out.src]).toEqual([10, 0, 0, 1]);
  });
  it('802.1Q, 802.1ad QinQ and triple tags: outermost VLAN id wins', () => {
    const q = (tpid: number, vid: number, next: number) => [tpid >> 8, tpid & 0xff, vid >> 8, vid & 0xff, next >> 8, next & 0xff];
    // 802.1Q vid 100 → IPv4 (tag = TPID, TCI, then the inner EtherType)
    const single = decode(1, [...MAC, ...q(0x8100, 100, 0x0800).slice(0, 4), 0x08, 0x00, ...tcpV4]);
    expect(single.out.vlan).toBe(100);
    // 802.1ad vid 10 → 802.1Q vid 20 → IPv4
    const qinq = decode(1, [...MAC, 0x88, 0xa8, 0x00, 10, 0x81, 0x00, 0x00, 20, 0x08, 0x00, ...tcpV4]);
    expect(qinq.r.ok).toBe(true);
    expect(qinq.out.vlan).toBe(10);
    // 0x9100 vid 1 → 0x88a8 vid 2 → 0x8100 vid 3 → IPv6
    const triple = decode(1, [...MAC, 0x91, 0x00, 0x00, 1, 0x88, 0xa8, 0x00, 2, 0x81, 0x00, 0x00, 3, 0x86, 0xdd, ...ipv6(17, udp(5353, 53, [1, 2]))]);
    expect(triple.r.ok).toBe(true);
    expect(triple.out).toMatchObject({ vlan: 1, ipVersion: 6, proto: 17, dstPort: 53 });
  });
  it('too many tags is an anomaly, a cut tag too', () => {
    const tags = Array.from({ length: 10 }, () => [0x81, 0x00, 0x00, 0x01]).flat();
    expect(decode(1, [...MAC, ...tags, 0x08, 0x00, ...tcpV4]).r).toEqual({ ok: false, anomaly: 'decode.too_many_layers' });
    expect(decode(1, [...MAC, 0x81, 0x00, 0x00]).r).toEqual({ ok: false, anomaly: 'vlan.truncated' });
  });
  it('ARP, LLC and unknown EtherTypes are named skips', () => {
    expect(decode(1, [...MAC, 0x08, 0x06, 0, 1]).r).toEqual({ ok: false, skipped: 'ethertype.arp' });
    expect(decode(1, [...MAC, 0x00, 0x26, 0x42, 0x42]).r).toEqual({ ok: false, skipped: 'ethernet.llc' });
    expect(decode(1, [...MAC, 0x12, 0x34]).r).toEqual({ ok: false, skipped: 'ethertype.other' });
    expect(decode(1, [1, 2, 3]).r).toEqual({ ok: false, anomaly: 'ethernet.truncated' });
    expect(decode(9999, [1]).r).toEqual({ ok: false, skipped: 'link.unsupported' });
  });
  it('Linux SLL and SLL2', () => {
    // SLL: packet type, ARPHRD, addr len, 8 address bytes, protocol
    const sll = [0, 0, 0, 1, 0, 6, ...MAC.slice(0, 8), 0x08, 0x00];
    expect(decode(113, [...sll, ...tcpV4]).out.dstPort).toBe(443);
    // SLL2: protocol, reserved, ifindex, ARPHRD, packet type, addr len, 8 address bytes
    const sll2 = [0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, ...MAC.slice(0, 8)];
    const r = decode(276, [...sll2, ...ipv6(6, tcp(1, 2, 0x10))]);
    expect(r.r.ok).toBe(true);
    expect(r.out.ipVersion).toBe(6);
  });
  it('raw IP (101, 12, 14, 228, 229)', () => {
    for (const lt of [101, 12, 14, 228]) expect(decode(lt, tcpV4).out.srcPort).toBe(40000);
    expect(decode(229, ipv6(17, udp(1, 53, []))).out.dstPort).toBe(53);
    expect(decode(228, ipv6(17, udp(1, 53, []))).r).toEqual({ ok: false, anomaly: 'ipv4.bad_version' });
  });
  it('loopback: DLT_NULL in either host order, DLT_LOOP big-endian', () => {
    expect(decode(0, [2, 0, 0, 0, ...tcpV4]).r.ok).toBe(true); // AF_INET little-endian host
    expect(decode(0, [0, 0, 0, 2, ...tcpV4]).r.ok).toBe(true); // AF_INET big-endian host
    for (const af of [24, 28, 30]) expect(decode(0, [af, 0, 0, 0, ...ipv6(17, udp(1, 2, []))]).out.ipVersion).toBe(6);
    expect(decode(108, [0, 0, 0, 2, ...tcpV4]).r.ok).toBe(true);
    expect(decode(0, [7, 0, 0, 0, 1]).r).toEqual({ ok: false, skipped: 'loopback.other_family' });
  });
  it('PPPoE session and MPLS', () => {
    // PPPoE: ver/type 0x11, code 0, session 1, length, PPP protocol 0x0021 (IPv4)
    expect(decode(1, [...MAC, 0x88, 0x64, 0x11, 0, 0, 1, 0, 40, 0x00, 0x21, ...tcpV4]).out.dstPort).toBe(443);
    expect(decode(1, [...MAC, 0x88, 0x64, 0x11, 0, 0, 1, 0, 4, 0xc0, 0x21, 1, 1]).r).toEqual({ ok: false, skipped: 'pppoe.non_ip' });
    // protocol-field compression: a one-byte PPP protocol 0x21 (odd first byte) is IPv4
    expect(decode(1, [...MAC, 0x88, 0x64, 0x11, 0, 0, 1, 0, 39, 0x21, ...tcpV4]).out.dstPort).toBe(443);
    // MPLS: two labels, the second with bottom-of-stack, then IPv4
    expect(decode(1, [...MAC, 0x88, 0x47, 0, 1, 0, 64, 0, 2, 1, 64, ...tcpV4]).out.dstPort).toBe(443);
  });
  it('Cisco HDLC and NFLOG', () => {
    expect(decode(104, [0x0f, 0x00, 0x08, 0x00, ...tcpV4]).out.dstPort).toBe(443);
    // NFLOG: family AF_INET, version, resource id; TLV prefix (len 8, type 1); TLV payload (type 9)
    const payloadTlv = [(4 + tcpV4.length) & 0xff, 0, 9, 0, ...tcpV4];
    expect(decode(239, [2, 0, 0, 1, 8, 0, 1, 0, 0, 0, 0, 0, ...payloadTlv]).out.dstPort).toBe(443);
  });
});
