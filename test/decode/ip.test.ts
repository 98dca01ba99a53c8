import { describe, expect, it } from 'vitest';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import { frame, ipv4, ipv6, MAC, tcp, udp } from './helpers.js';

const ETH4 = [...MAC, 0x08, 0x00];
const ETH6 = [...MAC, 0x86, 0xdd];

function decode(bytes: number[], origLen = bytes.length) {
  const state = createDecoderState();
  const out = createDecodedPacket();
  const r = decodeFrame(frame(1, bytes, origLen), out, state);
  return { r, out, state };
}

describe('IPv4', () => {
  it('excludes Ethernet padding from ipBytes and the payload', () => {
    const pkt = ipv4(17, udp(1000, 53, [0xab])); // 29 bytes of IP
    const { out } = decode([...ETH4, ...pkt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // padded to 60
    expect(out.ipBytes).toBe(29);
    expect(out.frameBytes).toBe(60);
    expect([...out.payload]).toEqual([0xab]);
  });
  it('uses the header total length for ipBytes when snaplen cut the frame', () => {
    const full = ipv4(6, tcp(1, 80, 0x18, Array.from({ length: 1400 }, () => 0x41)));
    const { r, out } = decode([...ETH4, ...full.slice(0, 60)], 14 + full.length);
    expect(r.ok).toBe(true);
    expect(out.ipBytes).toBe(1440);
    expect(out.payload.length).toBe(20); // what was captured after the TCP header
  });
  it('skips options by IHL', () => {
    const { out } = decode([...ETH4, ...ipv4(17, udp(7, 9, []), { options: [1, 1, 1, 0] })]); // NOP NOP NOP EOL
    expect(out.dstPort).toBe(9);
    expect(out.ipBytes).toBe(32);
  });
  it('names malformed headers', () => {
    const bad = ipv4(6, tcp(1, 2, 0));
    expect(decode([...ETH4, 0x44, ...bad.slice(1)]).r).toEqual({ ok: false, anomaly: 'ipv4.bad_ihl' });
    expect(decode([...ETH4, 0x4f, ...bad.slice(1, 30)]).r).toEqual({ ok: false, anomaly: 'ipv4.truncated_header' });
    expect(decode([...ETH4, ...ipv4(6, [], { totalLen: 10 })]).r).toEqual({ ok: false, anomaly: 'ipv4.bad_total_length' });
    expect(decode([...ETH4, 0x45, 0, 0]).r).toEqual({ ok: false, anomaly: 'ipv4.truncated' });
    expect(decode([...ETH4, ...ipv4(6, [0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0])]).r).toEqual({ ok: false, anomaly: 'tcp.bad_data_offset' });
  });
  it('clamps a total length beyond the wire length and counts it', () => {
    const { out, state } = decode([...ETH4, ...ipv4(17, udp(1, 2, []), { totalLen: 9000 })]);
    expect(out.ipBytes).toBe(28);
    expect(state.counters.get('ipv4.total_length_exceeds_frame')).toBe(1);
  });
  it('ICMP is portless', () => {
    const { out } = decode([...ETH4, ...ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1])]); // echo request
    expect(out).toMatchObject({ proto: 1, srcPort: 0, dstPort: 0 });
    expect(out.payload[0]).toBe(8);
  });
  it('a TCP header cut after the ports keeps the packet and counts it', () => {
    const { r, out, state } = decode([...ETH4, ...ipv4(6, tcp(5, 6, 0x02)).slice(0, 30)], 14 + 40);
    expect(r.ok).toBe(true);
    expect(out.dstPort).toBe(6);
    expect(state.counters.get('tcp.truncated_header')).toBe(1);
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop, routing, destination options and AH to UDP', () => {
    const hbh = [43, 0, 1, 4, 0, 0, 0, 0]; // next: routing, len 0 (8 bytes), PadN
    const rh = [60, 2, 0, 1, ...Array.from({ length: 20 }, () => 0)]; // next: dst opts, len 2 (24 bytes)
    const dst = [51, 0, 1, 4, 0, 0, 0, 0]; // next: AH
    const ah = [17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]; // next: UDP, len 1 ((1+2)*4 = 12 bytes)
    const { r, out } = decode([...ETH6, ...ipv6(0, [...hbh, ...rh, ...dst, ...ah, ...udp(5000, 53, [7])])]);
    expect(r.ok).toBe(true);
    expect(out).toMatchObject({ proto: 17, srcPort: 5000, dstPort: 53, ipBytes: 40 + 8 + 24 + 8 + 12 + 9 });
    expect(out.dst[15]).toBe(2); // the header's destination, not a routing header's
  });
  it('a cut extension header and an endless chain are anomalies', () => {
    expect(decode([...ETH6, ...ipv6(60, [17, 5, 0, 0])]).r).toEqual({ ok: false, anomaly: 'ipv6.truncated_ext_header' });
    const chain = Array.from({ length: 20 }, () => [60, 0, 1, 4, 0, 0, 0, 0]).flat();
    expect(decode([...ETH6, ...ipv6(60, chain)]).r).toEqual({ ok: false, anomaly: 'ipv6.too_many_ext_headers' });
  });
  it('an atomic fragment is a whole packet', () => {
    const frag = [6, 0, 0, 0, 0, 0, 0, 9]; // next TCP, offset 0, M=0, id 9
    const { r, out } = decode([...ETH6, ...ipv6(44, [...frag, ...tcp(1, 22, 0x10)])]);
    expect(r.ok).toBe(true);
    expect(out.dstPort).toBe(22);
  });
  it('ICMPv6 is portless', () => {
    expect(decode([...ETH6, ...ipv6(58, [128, 0, 0, 0])]).out).toMatchObject({ proto: 58, srcPort: 0, dstPort: 0 });
  });
});
