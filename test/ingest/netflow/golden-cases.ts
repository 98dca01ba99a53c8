import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCounters } from '../../../src/core/counters.js';
import type { FlowRecord } from '../../../src/core/types.js';
import { createCollector, type CollectorOptions } from '../../../src/ingest/netflow/index.js';
import { ipfix, set, u16, u32, v9 } from './build.js';
import { prng } from '../../helpers/mulberry32.js';

/** Datagrams exported by softflowd 1.1 from sample captures (length-prefixed, captured once). */
export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Reads a `.dgrams` fixture: each datagram is a 4-byte big-endian length and its bytes. */
export function readDatagrams(file: string): Buffer[] {
  const b = readFileSync(file);
  const out: Buffer[] = [];
  for (let o = 0; o + 4 <= b.length; ) {
    const n = b.readUInt32BE(o);
    out.push(b.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return out;
}

/** One datagram fed to the collector, from `address`; `flushAt` = call flush(flushAt) after it. */
interface Step { readonly buf: Uint8Array; readonly address: string; readonly flushAt?: number }


/** IPFIX template: v4 or v6 5-tuple, counters, flags, ms times, vlan, end reason. */
function mixTemplate(id: number, v6: boolean): number[] {
  return [...u16(id), ...u16(11), ...u16(v6 ? 27 : 8), ...u16(v6 ? 16 : 4), ...u16(v6 ? 28 : 12), ...u16(v6 ? 16 : 4),
    ...u16(7), ...u16(2), ...u16(11), ...u16(2), ...u16(4), ...u16(1), ...u16(6), ...u16(1),
    ...u16(1), ...u16(4), ...u16(2), ...u16(4), ...u16(152), ...u16(8), ...u16(153), ...u16(8), ...u16(136), ...u16(1)];
}

/** A synthetic mix: TCP/UDP/ICMP, IPv4/IPv6, both directions, repeats (active timeout), lone replies. */
function synthetic(seed: number, datagrams: number): Step[] {
  const r = prng(seed);
  const steps: Step[] = [];
  const T0 = 1_700_000_000;
  const addr = (v6: boolean, k: number): number[] => v6
    ? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (k >> 8) & 0xff, k & 0xff]
    : (k % 3 === 0 ? [10, 1, (k >> 8) & 0xff, k & 0xff] : [198, 51, (k >> 8) & 0xff, k & 0xff]);
  for (let d = 0; d < datagrams; d++) {
    const v6 = (d & 1) === 1;
    const recs: number[] = [];
    for (let k = 0; k < 12; k++) {
      const flow = Math.floor(r() * 400);
      const protos = [6, 6, 17, v6 ? 58 : 1];
      const proto = protos[flow % 4] ?? 6;
      const fwd = r() < 0.55;
      const a = addr(v6, flow);
      const b = addr(v6, 1000 + (flow % 7));
      const pa = proto === 1 || proto === 58 ? 0 : 1024 + flow * 13;
      const pb = proto === 1 || proto === 58 ? (proto === 1 ? 0x0800 : 0x8000) : [443, 53, 80, 8080][flow % 4] ?? 443;
      const ms = (T0 + d) * 1000 + Math.floor(r() * 5000);
      const flags = proto === 6 ? (fwd ? [0x02, 0x12, 0x18, 0x11, 0x04][flow % 5] ?? 0x18 : 0x12) : 0;
      recs.push(...(fwd ? a : b), ...(fwd ? b : a), ...u16(fwd ? pa : pb), ...u16(fwd ? pb : pa), proto, flags,
        ...u32(40 + Math.floor(r() * 100000)), ...u32(1 + Math.floor(r() * 90)),
        ...u32(Math.floor(ms / 2 ** 32)), ...u32(ms >>> 0), ...u32(0), ...u32((ms + 2000) >>> 0), [1, 2, 3, 4, 5][flow % 5] ?? 1);
    }
    const tid = v6 ? 300 : 256;
    steps.push({
      buf: ipfix(T0 + d, d * 12, 7, set(2, mixTemplate(tid, v6)), set(tid, recs)),
      address: d % 5 === 0 ? '192.0.2.9' : '::ffff:192.0.2.8',
      ...(d % 17 === 16 ? { flushAt: (T0 + d - 20) * 1e6 } : {}),
    });
  }
  // a v9 exporter with uptime-relative times and a sampling options record (1 in 10)
  const opt = [...u16(1), ...u16(4 + 6 + 8 + 2), ...u16(400), ...u16(4), ...u16(4), ...u16(1), ...u16(4), ...u16(34), ...u16(4), 0, 0];
  const tpl = [...u16(0), ...u16(4 + 4 + 36), ...u16(500), ...u16(9), ...u16(8), ...u16(4), ...u16(12), ...u16(4),
    ...u16(7), ...u16(2), ...u16(11), ...u16(2), ...u16(4), ...u16(1), ...u16(1), ...u16(4), ...u16(2), ...u16(4), ...u16(22), ...u16(4), ...u16(21), ...u16(4)];
  const optData = [...u16(400), ...u16(4 + 8), ...u32(0), ...u32(10)];
  const data = [...u16(500), ...u16(4 + 29 * 2),
    10, 0, 0, 5, 203, 0, 113, 7, ...u16(50000), ...u16(443), 6, ...u32(120000), ...u32(90), ...u32(1000), ...u32(4000),
    203, 0, 113, 7, 10, 0, 0, 5, ...u16(443), ...u16(50000), 6, ...u32(3000), ...u32(40), ...u32(1100), ...u32(3900)];
  steps.push({ buf: v9(5000, T0 + datagrams, 1, 0, tpl, opt, optData, data), address: '192.0.2.50' });
  return steps;
}

/** Every golden case: name, collector options, and the datagrams in order. */
export function goldenCases(): { name: string; opts: CollectorOptions; steps: Step[] }[] {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.dgrams')).sort();
  const cases: { name: string; opts: CollectorOptions; steps: Step[] }[] = [];
  for (const f of files) {
    const dgs = readDatagrams(join(FIXTURES, f));
    cases.push({ name: f, opts: {}, steps: dgs.map((buf) => ({ buf, address: '127.0.0.1' })) });
    // seeded damage: bytes changed past the first 4, small pending tables so eviction paths run
    const r = prng(f.length * 7919 + (dgs[0]?.length ?? 0));
    const steps: Step[] = [];
    for (let i = 0; i < 300; i++) {
      const src = dgs[i % dgs.length];
      if (src === undefined) break;
      const b = Buffer.from(src);
      const n = 1 + Math.floor(r() * 4);
      for (let k = 0; k < n; k++) b[4 + Math.floor(r() * (b.length - 4))] = Math.floor(r() * 256);
      if (r() < 0.1) steps.push({ buf: b.subarray(0, Math.floor(r() * b.length)), address: '127.0.0.1' });
      else steps.push({ buf: i % 3 === 0 ? src : b, address: i % 2 === 0 ? '127.0.0.1' : '127.0.0.2' });
    }
    cases.push({ name: `${f} damaged`, opts: { maxPendingRecords: 40, maxTemplates: 6, maxPendingSets: 3, pairHoldMicros: 2e6 }, steps });
  }
  cases.push({ name: 'synthetic mix', opts: { maxPendingRecords: 500, samplingRates: { '192.0.2.9': 4 } }, steps: synthetic(42, 400) });
  return cases;
}

/** Runs one case and returns the flows, in emission order, and the counters. */
export function runCase(c: { opts: CollectorOptions; steps: Step[] }): { flows: FlowRecord[]; counters: Record<string, number> } {
  const counters = createCounters();
  const flows: FlowRecord[] = [];
  const col = createCollector(c.opts, (f) => flows.push(f), counters);
  for (const s of c.steps) {
    col.handleDatagram(s.buf, { address: s.address, port: 2055 }, 0);
    if (s.flushAt !== undefined) col.flush(s.flushAt);
  }
  col.flush(Infinity);
  return { flows, counters: counters.snapshot() };
}
