/** The generator's packet builder and byte streams: checksums right for full-length payloads, even when cut. */
import { describe, expect, test } from 'vitest';
import { createPool, createStream, foldSum, sumBytes } from '../../pcaps/gen/byte-stream.js';
import type { FrameRecord } from '../../pcaps/gen/capture.js';
import { buildFrame, literal, parseIp } from '../../pcaps/gen/packet.js';
import { encodePcap } from '../../pcaps/gen/pcap-writer.js';
import { encodePcapng } from '../../pcaps/gen/pcapng-writer.js';
import { createRng } from '../../pcaps/gen/prng.js';

/** RFC 1071 check: the one's-complement sum over data including its checksum is 0xffff. */
const verifies = (parts: readonly Uint8Array[]): boolean => foldSum(parts.reduce((n, p) => n + sumBytes(p), 0)) === 0xffff;

const rng = createRng(7);
const pool = createPool(createRng(1), 4096);

describe('byte stream', () => {
  test('sums of pool ranges match the bytes at any alignment and across pieces', () => {
    const s = createStream(pool, rng);
    s.pushBytes(Uint8Array.of(1, 2, 3)); // odd-length literal shifts the pool bytes to odd offsets
    s.pushRandom(3000); // longer than half the pool: split into two pieces
    s.pushBytes(Uint8Array.of(9));
    for (const len of [1, 7, 1448, 1000, 548]) {
      const slice = s.take(len, len);
      expect(slice.length).toBe(len);
      expect(slice.sum).toBe(sumBytes(slice.head));
    }
    expect(s.remaining).toBe(0);
  });

  test('take keeps only the head it is asked for but sums everything', () => {
    const a = createStream(pool, createRng(3));
    const b = createStream(pool, createRng(3));
    a.pushRandom(1448);
    b.pushRandom(1448);
    const full = a.take(1448, 1448);
    const fullSum = full.sum;
    const fullHead = full.head.slice(0, 30);
    const cut = b.take(1448, 30);
    expect(cut.head).toEqual(fullHead);
    expect(cut.sum).toBe(fullSum);
  });
});

describe('buildFrame', () => {
  const tcp = { proto: 'tcp' as const, sport: 40000, dport: 443, seq: 0xfffffff0, ack: 12345, flags: 0x18, window: 501, options: Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2) };
  const payload = Uint8Array.from({ length: 101 }, (_, i) => (i * 37) & 0xff);

  test('IPv4 header and TCP checksums verify; lengths are on-the-wire lengths', () => {
    const f = buildFrame({ kind: 'ether', srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02' }, { v: 4, src: '10.0.0.1', dst: '52.216.1.2', ttl: 64, id: 7, df: true }, tcp, literal(payload));
    expect(f.origLen).toBe(14 + 20 + 32 + 101);
    expect(f.ipBytes).toBe(20 + 32 + 101);
    const ip = f.data.subarray(14, 34);
    expect(verifies([ip])).toBe(true);
    const seg = f.data.subarray(34);
    const pseudo = Uint8Array.of(...parseIp('10.0.0.1'), ...parseIp('52.216.1.2'), 0, 6, 0, seg.length);
    expect(verifies([pseudo, seg])).toBe(true);
    expect([...f.data.subarray(38, 42)]).toEqual([0xff, 0xff, 0xff, 0xf0]); // seq, big-endian
  });

  test('a cut frame carries the checksum of the whole segment', () => {
    const ipSpec = { v: 4 as const, src: '10.0.0.1', dst: '52.216.1.2', ttl: 64, id: 7, df: true };
    const link = { kind: 'ether' as const, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02' };
    const whole = buildFrame(link, ipSpec, tcp, literal(payload));
    const cut = buildFrame(link, ipSpec, tcp, { head: payload.subarray(0, 10), length: payload.length, sum: sumBytes(payload) });
    expect(cut.origLen).toBe(whole.origLen);
    expect(cut.data.length).toBe(14 + 20 + 32 + 10);
    expect(cut.data).toEqual(whole.data.subarray(0, cut.data.length));
  });

  test('QinQ tags, IPv6 hop-by-hop and UDP checksum', () => {
    const f = buildFrame(
      { kind: 'ether', srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', vlans: [{ tpid: 0x88a8, id: 200 }, { tpid: 0x8100, id: 300 }] },
      { v: 6, src: '2001:db8::25', dst: '2001:db8::53', hopLimit: 64, flowLabel: 0x12345, hopByHop: true },
      { proto: 'udp', sport: 5353, dport: 53 }, literal(payload),
    );
    expect([...f.data.subarray(12, 22)]).toEqual([0x88, 0xa8, 0x00, 200, 0x81, 0x00, 0x01, 0x2c, 0x86, 0xdd]);
    const ip6 = f.data.subarray(22);
    expect(ip6[6]).toBe(0); // next header: hop-by-hop
    expect(ip6[40]).toBe(17); // then UDP
    expect(f.ipBytes).toBe(40 + 8 + 8 + 101);
    expect((ip6[4] ?? 0) * 256 + (ip6[5] ?? 0)).toBe(8 + 8 + 101);
    const udp = ip6.subarray(48);
    const pseudo = Uint8Array.of(...parseIp('2001:db8::25'), ...parseIp('2001:db8::53'), 0, 17, 0, udp.length);
    expect(verifies([pseudo, udp])).toBe(true);
  });

  test('short received frames are padded to 60 bytes, counted in the frame length only', () => {
    const f = buildFrame({ kind: 'ether', srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', pad: true }, { v: 4, src: '1.2.3.4', dst: '10.0.0.1', ttl: 50, id: 1, df: true },
      { ...tcp, options: new Uint8Array(0) }, literal(new Uint8Array(0)));
    expect(f.origLen).toBe(60);
    expect(f.data.length).toBe(60);
    expect(f.ipBytes).toBe(40);
  });

  test('parseIp reads IPv4 and compressed IPv6', () => {
    expect([...parseIp('192.168.1.23')]).toEqual([192, 168, 1, 23]);
    expect([...parseIp('::1')]).toEqual([...new Array<number>(15).fill(0), 1]);
    expect([...parseIp('2001:db8::53').subarray(0, 4)]).toEqual([0x20, 0x01, 0x0d, 0xb8]);
  });
});

describe('writers', () => {
  const frame = buildFrame({ kind: 'raw' }, { v: 4, src: '10.8.0.6', dst: '10.8.0.1', ttl: 64, id: 1, df: false }, { proto: 'udp', sport: 1000, dport: 53 }, literal(Uint8Array.of(1, 2, 3)));
  const rec: FrameRecord = { ts: 1_793_610_000_123_456, extraNs: 789, interfaceId: 0, frame: { ...frame, origLen: frame.origLen + 5 }, tuple: { transport: 'udp', src: '10.8.0.6', sport: 1000, dst: '10.8.0.1', dport: 53, payloadBytes: 3 }, order: 0, exact: 0 };

  test('classic pcap: µs magic, record lengths', () => {
    const b = encodePcap([rec], 101);
    expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(b.readUInt32LE(20)).toBe(101);
    expect([b.readUInt32LE(24), b.readUInt32LE(28), b.readUInt32LE(32), b.readUInt32LE(36)]).toEqual([1_793_610_000, 123_456, frame.data.length, frame.origLen + 5]);
  });

  test('pcapng: nanosecond interface gets ns ticks, blocks close with their length', () => {
    const b = encodePcapng([{ linkType: 101, tsresol: 9, name: 'tun0', snapLen: 65535 }], [rec], 'test');
    let off = 0;
    const types: number[] = [];
    while (off < b.length) {
      const len = b.readUInt32LE(off + 4);
      expect(b.readUInt32LE(off + len - 4)).toBe(len);
      types.push(b.readUInt32LE(off));
      if (b.readUInt32LE(off) === 6) {
        const ticks = (BigInt(b.readUInt32LE(off + 12)) << 32n) | BigInt(b.readUInt32LE(off + 16));
        expect(ticks).toBe(1_793_610_000_123_456_789n);
      }
      off += len;
    }
    expect(types).toEqual([0x0a0d0d0a, 1, 6]);
  });
});
