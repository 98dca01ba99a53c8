import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../../src/core/counters.js';
import type { FlowRecord } from '../../../src/core/types.js';
import { createCollector, readNetflowCapture } from '../../../src/ingest/netflow/index.js';
import { ipfix, ipv4Record, ipv4Template, set, u16 } from './build.js';

const T0 = 1_700_000_000;

function le32(v: number): number[] { return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]; }

/** Ethernet + IPv4 or IPv6 + UDP frame around a payload. */
function frame(payload: Buffer, v6: boolean): Buffer {
  const udp = [...u16(40000), ...u16(4739), ...u16(8 + payload.length), 0, 0];
  const ip = v6
    ? [0x60, 0, 0, 0, ...u16(8 + payload.length), 17, 64, ...new Array<number>(15).fill(0), 1, ...new Array<number>(15).fill(0), 2]
    : [0x45, 0, ...u16(28 + payload.length), 0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, 7, 127, 0, 0, 1];
  return Buffer.concat([Buffer.from([...new Array<number>(12).fill(0), ...(v6 ? [0x86, 0xdd] : [0x08, 0x00]), ...ip, ...udp]), payload]);
}

function pcap(frames: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from([...le32(0xa1b2c3d4), 2, 0, 4, 0, ...le32(0), ...le32(0), ...le32(65535), ...le32(1)])];
  frames.forEach((f, i) => parts.push(Buffer.from([...le32(T0 + i), ...le32(0), ...le32(f.length), ...le32(f.length)]), f));
  return Buffer.concat(parts);
}

describe('readNetflowCapture', () => {
  it('replays IPFIX datagrams from a pcap of UDP over IPv4 and IPv6 and flushes at the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nf-read-'));
    const file = join(dir, 'export.pcap');
    const a = ipfix(T0, 0, 0, set(2, ipv4Template(256)), set(256, ipv4Record('10.0.0.1', '192.0.2.50', 5555, 443, 6, 1000, 5, T0 * 1000)));
    const b = ipfix(T0, 0, 0, set(2, ipv4Template(256)), set(256, ipv4Record('10.0.0.2', '192.0.2.50', 5556, 443, 6, 2000, 5, T0 * 1000)));
    writeFileSync(file, Buffer.concat([pcap([frame(a, false), frame(b, true), Buffer.alloc(10)])]));
    const counters = createCounters();
    const flows: FlowRecord[] = [];
    const r = await readNetflowCapture(file, createCollector({}, (f) => flows.push(f), counters), counters);
    expect(r).toMatchObject({ packets: 3, datagrams: 2 });
    expect(counters.get('netflow_read.truncated')).toBe(1);
    expect(flows.map((f) => [f.exporter, f.origBytes]).sort()).toEqual([['192.0.2.7/0', 1000], ['::1/0', 2000]]);
  });

  it('reports a file that is not a pcap instead of throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nf-read-'));
    const file = join(dir, 'bad.pcap');
    writeFileSync(file, 'not a capture at all, just text');
    const counters = createCounters();
    const r = await readNetflowCapture(file, createCollector({}, () => {}, counters), counters);
    expect(r.error).toMatch(/magic/);
    const missing = await readNetflowCapture(join(dir, 'nope.pcap'), createCollector({}, () => {}, counters), counters);
    expect(missing.error).toMatch(/cannot read/);
  });
});
