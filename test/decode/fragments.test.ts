import { describe, expect, it } from 'vitest';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import type { DecoderState } from '../../src/decode/decoder-state.js';
import { frame, ipv4, ipv6, MAC, udp } from './helpers.js';

const ETH4 = [...MAC, 0x08, 0x00];
const ETH6 = [...MAC, 0x86, 0xdd];
const MF = 0x2000;
const DATA = udp(1234, 53, Array.from({ length: 24 }, (_, i) => i)); // 32 bytes: split as 16 + 16

function v4frag(offset: number, more: boolean, bytes: number[], id = 7): number[] {
  return [...ETH4, ...ipv4(17, bytes, { id, flagsFrag: (more ? MF : 0) | (offset / 8) })];
}

function run(state: DecoderState, frames: number[][], ts = 0) {
  const out = createDecodedPacket();
  return { out, results: frames.map((f, i) => decodeFrame(frame(1, f, f.length, ts + i), out, state)) };
}

describe('IPv4 reassembly', () => {
  it('reassembles out of order and sums frames, ipBytes and frameBytes', () => {
    const state = createDecoderState();
    const { out, results } = run(state, [v4frag(16, false, DATA.slice(16)), v4frag(0, true, DATA.slice(0, 16))]);
    expect(results[0]).toEqual({ ok: false, pending: true });
    expect(results[1]?.ok).toBe(true);
    expect(out).toMatchObject({ srcPort: 1234, dstPort: 53, frames: 2, ipBytes: 36 + 36, frameBytes: 50 + 50 });
    expect([...out.payload]).toEqual(DATA.slice(8));
    expect(state.frags.size).toBe(0);
  });
  it('counts overlaps and keeps the first copy', () => {
    const state = createDecoderState();
    const altered = DATA.slice(8, 24).map(() => 0xee);
    const { out, results } = run(state, [
      v4frag(0, true, DATA.slice(0, 16)),
      v4frag(8, true, altered), // overlaps bytes 8..23
      v4frag(16, false, DATA.slice(16)),
    ]);
    expect(results[2]?.ok).toBe(true);
    expect(state.counters.get('frag.overlap')).toBe(2);
    // bytes 8..15 came first in fragment 1; bytes 16..23 came first in the overlapping fragment
    expect([...out.payload]).toEqual([...DATA.slice(8, 16), ...altered.slice(8), ...DATA.slice(24)]);
    expect(out.frames).toBe(3);
  });
  it('evicts the oldest datagram past the bound and counts it', () => {
    const state = createDecoderState({ maxFragDatagrams: 2 });
    run(state, [1, 2, 3].map((id) => v4frag(0, true, DATA.slice(0, 16), id)));
    expect(state.frags.size).toBe(2);
    expect(state.counters.get('frag.evicted')).toBe(1);
    const { results } = run(state, [v4frag(16, false, DATA.slice(16), 1)]);
    expect(results[0]).toEqual({ ok: false, pending: true }); // datagram 1 was evicted
  });
  it('times out datagrams in packet time', () => {
    const state = createDecoderState({ fragTimeoutMicros: 1000 });
    run(state, [v4frag(0, true, DATA.slice(0, 16))], 0);
    const { results } = run(state, [v4frag(16, false, DATA.slice(16))], 5000);
    expect(results[0]).toEqual({ ok: false, pending: true });
    expect(state.counters.get('frag.timeout')).toBe(1);
  });
  it('drops a datagram past the byte bound', () => {
    const state = createDecoderState({ maxFragDatagramBytes: 20 });
    const { results } = run(state, [v4frag(16, false, DATA.slice(16))]);
    expect(results[0]).toEqual({ ok: false, anomaly: 'frag.too_large' });
  });
});

describe('IPv6 reassembly', () => {
  it('reassembles two fragments through the fragment header', () => {
    const frag = (off: number, more: boolean) => [17, 0, off >> 8, (off & 0xf8) | (more ? 1 : 0), 0, 0, 0, 5]; // next UDP, offset, M, id 5
    const state = createDecoderState();
    const { out, results } = run(state, [
      [...ETH6, ...ipv6(44, [...frag(0, true), ...DATA.slice(0, 16)])],
      [...ETH6, ...ipv6(44, [...frag(16, false), ...DATA.slice(16)])],
    ]);
    expect(results[0]).toEqual({ ok: false, pending: true });
    expect(results[1]?.ok).toBe(true);
    expect(out).toMatchObject({ ipVersion: 6, proto: 17, dstPort: 53, frames: 2, ipBytes: 64 + 64 });
  });
});
