/** openLiveCapture against real interfaces (root; the pcap binding built): loopback and a veth pair in namespaces. */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import type { RawFrame } from '../../src/core/types.js';
import { createLiveClock, loadCaptureBinding, openLiveCapture, TICK_LAG_MS } from '../../src/ingest/live.js';
import { ROOT } from '../helpers/live-cli.js';
import { createVethPair, type VethPair } from '../helpers/netns.js';

const binding = loadCaptureBinding();
if (!binding.ok) console.warn(`live capture tests skipped: ${binding.message}`);

async function sendUdp(port: number, sizes: readonly number[]): Promise<void> {
  const s = createSocket('udp4');
  for (const n of sizes) await new Promise<void>((res) => s.send(Buffer.alloc(n, 0x42), port, '127.0.0.1', () => res()));
  s.close();
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

// A child process runs a script with the repository's sources (tsx), optionally inside a namespace.
function runChild(script: string, netns?: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script];
  const [cmd, ...args] = netns !== undefined ? ['ip', 'netns', 'exec', netns, ...node] : node;
  return spawnSync(cmd!, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe.skipIf(!binding.ok)('openLiveCapture on loopback', () => {
  it('stamps frames with the pcap header time, keeps snaplen bytes, reports the wire length and pcap_stats', async () => {
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
    const sent = Date.now() * 1000;
    await waitFor(() => frames.length >= 3);
    r.capture.close();
    r.capture.close();
    // nothing is delivered after close(), though the handle is finalised only by a later packet
    await sendUdp(port, [30]);
    await new Promise((res) => setTimeout(res, 150));
    sink.close();
    expect(r.capture.linkType).toBe(1);
    expect(frames.map((f) => f.dstPort)).toEqual([port, port, port]);
    // 14 Ethernet + 20 IPv4 + 8 UDP + payload
    expect(frames.map((f) => f.origLen)).toEqual([52, 542, 62]);
    expect(frames.map((f) => f.len)).toEqual([52, 100, 62]);
    expect(counters.get('live.truncated')).toBe(1);
    expect(r.capture.stats()).toEqual({ received: 3, dropped: 0, ifDropped: 0, truncated: 1 });
    // kernel time stamps (µs resolution, not the ms wall clock), taken while the datagrams were sent
    for (const f of frames) {
      expect(f.ts).toBeGreaterThanOrEqual(before);
      expect(f.ts).toBeLessThanOrEqual(sent + 1000);
    }
    expect(frames[1]!.ts).toBeGreaterThanOrEqual(frames[0]!.ts);
    expect(frames.some((f) => f.ts % 1000 !== 0)).toBe(true);
  });

  // In a child: node_pcap crashes or hangs on several lifecycle paths (see src/ingest/live.ts); the
  // child opens and closes 50 captures, fails twice, forces collection, and must exit 0 by itself
  // with every capture socket released once traffic finalised the handles.
  it('survives 50 open/close cycles, a bad interface, a bad filter and garbage collection, and releases its sockets', () => {
    const script = `
      import { readdirSync, readlinkSync } from 'node:fs';
      import { createSocket } from 'node:dgram';
      import { createCounters } from './src/core/counters.ts';
      import { openLiveCapture } from './src/ingest/live.ts';
      const sockets = () => readdirSync('/proc/self/fd').filter((fd) => { try { return readlinkSync('/proc/self/fd/' + fd).startsWith('socket:'); } catch { return false; } }).length;
      const c = createCounters();
      const base = sockets();
      let frames = 0;
      for (let i = 0; i < 50; i++) {
        const r = openLiveCapture({ iface: 'lo', bpf: '', snaplen: 65535, bufferSize: 1 << 20 }, () => { frames++; }, c);
        if (!r.ok) throw new Error(r.message);
        if (i % 10 === 0) await new Promise((res) => setTimeout(res, 30));
        r.capture.close();
      }
      const a = openLiveCapture({ iface: 'nosuchdev0', bpf: '', snaplen: 65535, bufferSize: 1 << 20 }, () => {}, c);
      const b = openLiveCapture({ iface: 'lo', bpf: 'port port', snaplen: 65535, bufferSize: 1 << 20 }, () => {}, c);
      const pending = sockets() - base;
      for (let i = 0; i < 5; i++) globalThis.gc();
      const u = createSocket('udp4');
      const uBase = base + 1;
      let left = -1;
      for (let i = 0; i < 100; i++) {
        await new Promise((res) => u.send(Buffer.alloc(8), 9, '127.0.0.1', res));
        await new Promise((res) => setTimeout(res, 20));
        globalThis.gc();
        left = sockets() - uBase;
        if (left === 0) break;
      }
      u.close();
      console.log(JSON.stringify({ a, b, pending, left, counters: c.snapshot() }));`;
    const r = runChild(script);
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { a: { ok: boolean; reason: string; message: string }; b: { ok: boolean; reason: string; message: string }; pending: number; left: number; counters: Record<string, number> };
    expect(out.a).toMatchObject({ ok: false, reason: 'open_failed' });
    expect(out.a.message).toMatch(/nosuchdev0/);
    expect(out.b).toMatchObject({ ok: false, reason: 'open_failed' });
    expect(out.b.message).toMatch(/syntax error/);
    // 50 closed captures plus the bad-filter one wait for a packet to be finalised ...
    expect(out.pending).toBeGreaterThan(0);
    // ... and are all gone once loopback traffic arrived
    expect(out.left).toBe(0);
    expect(out.counters['live.close_error']).toBeUndefined();
  });
});

const hasTcpreplay = spawnSync('tcpreplay', ['--version']).status === 0;
const CAPTURE = '/work/shared/corpus/pcaps/suricata__ftp__ftp-upload-passive__input.pcap';
const veth = ((): { pair?: VethPair; skip?: string } => {
  if (!binding.ok) return { skip: binding.message };
  if (!hasTcpreplay) return { skip: 'tcpreplay is not installed (apt-get install tcpreplay)' };
  if (!existsSync(CAPTURE)) return { skip: 'corpus capture missing' };
  const r = createVethPair();
  return r.ok ? { pair: r.pair } : { skip: r.reason };
})();
if (veth.skip !== undefined) console.warn(`live veth tests skipped: ${veth.skip}`);
afterAll(() => veth.pair?.destroy());

describe.skipIf(veth.pair === undefined)('openLiveCapture on a veth link', () => {
  const capture = (ns: string, opts: string, send: string): Record<string, unknown> => {
    const script = `
      import { spawnSync } from 'node:child_process';
      import { createCounters } from './src/core/counters.ts';
      import { openLiveCapture } from './src/ingest/live.ts';
      const c = createCounters();
      let frames = 0;
      const r = openLiveCapture(${opts}, () => { frames++; }, c);
      if (!r.ok) throw new Error(r.message);
      const promiscuity = /promiscuity (\\d+)/.exec(spawnSync('ip', ['-d', 'link', 'show', ${JSON.stringify(veth.pair!.sensorIf)}], { encoding: 'utf8' }).stdout)?.[1];
      // Synchronous: the event loop (and so the drain timer) is blocked while the peer sends.
      const sent = spawnSync('ip', ['netns', 'exec', ${JSON.stringify(veth.pair!.peerNs)}, ...${send}], { encoding: 'utf8' });
      await new Promise((res) => setTimeout(res, 400));
      const stats = r.capture.stats();
      r.capture.close();
      console.log(JSON.stringify({ frames, stats, promiscuity: Number(promiscuity), sent: Number(/Successful packets:\\s+(\\d+)/.exec(sent.stdout)?.[1]) }));`;
    const r = runChild(script, ns);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('counts kernel drops with pcap_stats when the ring overflows: delivered + dropped = sent', () => {
    const pair = veth.pair!;
    const out = capture(pair.sensorNs, `{ iface: ${JSON.stringify(pair.sensorIf)}, bpf: '', snaplen: 65535, bufferSize: 1 << 20 }`,
      JSON.stringify(['tcpreplay', '-i', pair.peerIf, '--topspeed', '--loop', '200', CAPTURE]));
    const stats = out['stats'] as { received: number; dropped: number; ifDropped: number };
    expect(out['sent']).toBeGreaterThan(5_000);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.received).toBe(out['frames']);
    expect(stats.received + stats.dropped).toBe(out['sent']);
    expect(out['promiscuity']).toBe(1);
  });

  it('leaves the interface out of promiscuous mode when asked', () => {
    const pair = veth.pair!;
    const out = capture(pair.sensorNs, `{ iface: ${JSON.stringify(pair.sensorIf)}, bpf: '', snaplen: 65535, bufferSize: 8 << 20, promiscuous: false }`,
      JSON.stringify(['tcpreplay', '-i', pair.peerIf, '--pps', '2000', CAPTURE]));
    expect(out['promiscuity']).toBe(0);
    expect(out['frames']).toBe(out['sent']);
    expect(out['stats']).toMatchObject({ dropped: 0 });
  });
});

describe('createLiveClock', () => {
  it('stays TICK_LAG_MS behind the wall clock, so it never passes frames still in the kernel ring', () => {
    const before = Date.now();
    const t = createLiveClock()();
    const after = Date.now();
    expect(t).toBeGreaterThanOrEqual((before - TICK_LAG_MS) * 1000);
    expect(t).toBeLessThanOrEqual((after - TICK_LAG_MS) * 1000);
  });

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
