/** openLiveCapture against the real loopback interface (root; the cap binding built). */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import type { RawFrame } from '../../src/core/types.js';
import { createLiveClock, loadCaptureBinding, openLiveCapture } from '../../src/ingest/live.js';
import { ROOT } from '../helpers/live-cli.js';

const binding = loadCaptureBinding();
if (!binding.ok) console.warn(`live capture tests skipped: ${binding.message}`);

async function sendUdp(port: number, sizes: readonly number[]): Promise<void> {
  const s = createSocket('udp4');
  for (const n of sizes) await new Promise<void>((res) => s.send(Buffer.alloc(n, 0x42), port, '127.0.0.1', () => res()));
  s.close();
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe.skipIf(!binding.ok)('openLiveCapture', () => {
  it('delivers loopback frames as Ethernet with wall-clock µs times, cuts to snaplen and counts it', async () => {
    const sink = createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const port = (sink.address() as AddressInfo).port;
    const counters = createCounters();
    const frames: { ts: number; linkType: number; len: number; origLen: number; dstPort: number }[] = [];
    const before = Date.now() * 1000;
    const r = openLiveCapture({ iface: 'lo', bpf: `udp dst port ${port}`, snaplen: 100, bufferSize: 4 << 20 }, (f: RawFrame) => {
      frames.push({ ts: f.ts, linkType: f.linkType, len: f.data.length, origLen: f.origLen, dstPort: (f.data[36]! << 8) | f.data[37]! });
    }, counters);
    if (!r.ok) throw new Error(r.message);
    await sendUdp(port, [10, 500, 20]);
    await waitFor(() => frames.length >= 3);
    r.capture.close();
    r.capture.close();
    sink.close();
    expect(r.capture.linkType).toBe(1);
    expect(frames.map((f) => f.dstPort)).toEqual([port, port, port]);
    // 14 Ethernet + 20 IPv4 + 8 UDP + payload
    expect(frames.map((f) => f.origLen)).toEqual([52, 542, 62]);
    expect(frames.map((f) => f.len)).toEqual([52, 100, 62]);
    expect(counters.get('live.truncated')).toBe(1);
    expect(r.capture.stats()).toMatchObject({ received: 3, dropped: null, truncated: 1 });
    for (const f of frames) expect(f.ts).toBeGreaterThanOrEqual(before);
    expect(frames[1]!.ts).toBeGreaterThanOrEqual(frames[0]!.ts);
  });

  // In a child process: cap 0.2.1 crashes when it collects a handle (closed or failed to open), which
  // openLiveCapture works around; the child forces collection and must still exit 0.
  it('reports an unknown interface and a bad filter as open failures, and survives garbage collection', () => {
    const script = `
      import { createCounters } from './src/core/counters.ts';
      import { openLiveCapture } from './src/ingest/live.ts';
      const c = createCounters();
      const ok = openLiveCapture({ iface: 'lo', bpf: '', snaplen: 65535, bufferSize: 1 << 20 }, () => {}, c);
      if (ok.ok) ok.capture.close();
      const a = openLiveCapture({ iface: 'nosuchdev0', bpf: '', snaplen: 65535, bufferSize: 1 << 20 }, () => {}, c);
      const b = openLiveCapture({ iface: 'lo', bpf: 'port port', snaplen: 65535, bufferSize: 1 << 20 }, () => {}, c);
      for (let i = 0; i < 5; i++) globalThis.gc();
      await new Promise((r) => setTimeout(r, 50));
      console.log(JSON.stringify([a, b]));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const [noDev, badBpf] = JSON.parse(r.stdout) as { ok: boolean; reason: string; message: string }[];
    expect(noDev).toMatchObject({ ok: false, reason: 'open_failed' });
    expect(noDev?.message).toMatch(/nosuchdev0/);
    expect(badBpf).toMatchObject({ ok: false, reason: 'open_failed' });
    expect(badBpf?.message).toMatch(/syntax error/);
  });
});

describe('createLiveClock', () => {
  it('never goes backwards', () => {
    const clock = createLiveClock();
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const t = clock();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});
