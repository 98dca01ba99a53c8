import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../../src/core/counters.js';
import { listenUdp } from '../../../src/ingest/netflow/index.js';
import { createDatagramRing } from '../../../src/ingest/netflow/ring.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('datagram ring', () => {
  it('hands datagrams on in order, a batch per setImmediate turn', async () => {
    const seen: number[] = [];
    const ring = createDatagramRing({ maxDatagrams: 100, maxBytes: 1 << 20, batch: 3 }, (b, ex, at) => { seen.push(b[0] ?? -1); expect(ex.port).toBe(at); }, undefined);
    for (let i = 0; i < 10; i++) ring.push(Buffer.from([i]), '192.0.2.1', i, i);
    expect(seen).toEqual([]);
    await turn();
    expect(seen).toEqual([0, 1, 2]);
    for (let i = 0; i < 5 && ring.size() > 0; i++) await turn();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ring.size()).toBe(0);
  });

  it('evicts the oldest when the datagram or byte bound is hit, and counts it', () => {
    const counters = createCounters();
    const seen: number[] = [];
    const ring = createDatagramRing({ maxDatagrams: 4, maxBytes: 27, batch: 100 }, (b) => { seen.push(b[0] ?? -1); }, counters);
    for (let i = 0; i < 6; i++) ring.push(Buffer.from([i]), 'a', 0, 0);
    expect(ring.size()).toBe(4);
    ring.push(Buffer.alloc(25, 9), 'a', 0, 0); // full (4): 2 goes; then 3 + 25 > 27: 3 goes
    ring.drain();
    expect(seen).toEqual([4, 5, 9]);
    expect(ring.evicted()).toBe(4);
    expect(counters.get('netflow.queue_evicted')).toBe(4);
  });

  it('a handler that throws does not stall the queue', async () => {
    const seen: number[] = [];
    const ring = createDatagramRing({ maxDatagrams: 10, maxBytes: 1000, batch: 1 }, (b) => {
      seen.push(b[0] ?? -1);
      if (b[0] === 0) throw new Error('bad handler');
    }, undefined);
    const errors: unknown[] = [];
    const onErr = (e: unknown): void => { errors.push(e); };
    process.on('uncaughtException', onErr);
    try {
      ring.push(Buffer.from([0]), 'a', 0, 0);
      ring.push(Buffer.from([1]), 'a', 0, 0);
      for (let i = 0; i < 6 && seen.length < 2; i++) await turn();
    } finally { process.off('uncaughtException', onErr); }
    expect(seen).toEqual([0, 1]);
    expect(errors.length).toBe(1);
  });

  it('listenUdp: 300 datagrams on 127.0.0.1 arrive in order; close() hands on what is still queued', async () => {
    const got: number[] = [];
    const l = await listenUdp(['udp://127.0.0.1:0'], { rcvbufBytes: 1 << 20, batchDatagrams: 8 }, (b, ex) => {
      expect(ex.address).toBe('127.0.0.1');
      got.push(b.readUInt16BE(0));
    });
    const st = l.stats()[0];
    expect(st?.rcvbufRequested).toBe(1 << 20);
    expect(st?.rcvbufBytes ?? 0).toBeGreaterThan(0);
    const s = createSocket('udp4');
    for (let i = 0; i < 300; i++) {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(i);
      await new Promise<void>((r) => s.send(b, st?.port ?? 0, '127.0.0.1', () => r()));
    }
    s.close();
    for (let i = 0; i < 100 && (l.stats()[0]?.datagrams ?? 0) < 300; i++) await new Promise((r) => setTimeout(r, 20));
    await l.close();
    expect(l.queued()).toBe(0);
    expect(got.length).toBe(300);
    expect(got).toEqual([...Array(300).keys()]);
  });
});
