import { afterEach, describe, expect, it } from 'vitest';
import { parseListen } from '../../src/metrics/config.js';
import { createMetricsRegistry } from '../../src/metrics/registry.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/server.js';
import type { SensorStats } from '../../src/sensor.js';
import type { SinkStats } from '../../src/output/sink.js';

const stats: SensorStats = { packets: 1234, bytes: 99_000, flowsActive: 7, events: { flow: 5, dns: 3, tls: 2, http: 1, ftp: 0, alert: 4 } };
const sinkStats: SinkStats = { written: 15, queued: 2, spooled: 9, dropped: { queue_full: 6 } };

describe('parseListen', () => {
  it('reads host:port, [v6]:port and :port', () => {
    expect(parseListen('127.0.0.1:9108')).toEqual({ host: '127.0.0.1', port: 9108 });
    expect(parseListen('[::1]:9108')).toEqual({ host: '::1', port: 9108 });
    expect(parseListen(':0')).toEqual({ host: '127.0.0.1', port: 0 });
  });
  it('rejects what is not an address', () => {
    for (const bad of ['9108', '127.0.0.1', 'host:99999', 'a b:1', '[zz]:1', '']) expect(parseListen(bad), bad).toBeNull();
  });
});

describe('createMetricsRegistry', () => {
  it('exposes packets, flows, events by dataset, drops by source, outputs and netflow stats from the providers', async () => {
    const reg = createMetricsRegistry({
      sensor: () => stats,
      counters: () => ({ 'decode.ipv4.bad_ihl': 3, 'decode.tcp.short': 2, 'flow.ended.evicted': 11, 'skip.arp': 8 }),
      sinks: () => [{ name: 'jsonl', stats: () => sinkStats }],
      capture: () => ({ received: 1300, dropped: null, ifDropped: 4, truncated: 1 }),
      netflow: () => ({ packets: 42, template_misses: 1 }),
    });
    const text = await reg.metrics();
    expect(text).toMatch(/^exfilwatch_packets_total 1234$/m);
    expect(text).toMatch(/^exfilwatch_bytes_total 99000$/m);
    expect(text).toMatch(/^exfilwatch_flows_active 7$/m);
    expect(text).toMatch(/^exfilwatch_events_total\{dataset="exfilwatch.dns"\} 3$/m);
    expect(text).toMatch(/^exfilwatch_alerts_total 4$/m);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="interface"\} 4$/m);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="decode"\} 5$/m);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="flow_evicted"\} 11$/m);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="output_queue"\} 6$/m);
    // cap cannot measure kernel drops: no made-up zero, and a gauge that says so
    expect(text).not.toMatch(/source="kernel"/);
    expect(text).toMatch(/^exfilwatch_capture_kernel_drops_measured 0$/m);
    expect(text).toMatch(/^exfilwatch_anomalies_total\{name="skip.arp"\} 8$/m);
    expect(text).toMatch(/^exfilwatch_output_spooled\{sink="jsonl"\} 9$/m);
    expect(text).toMatch(/^exfilwatch_output_dropped_total\{sink="jsonl",reason="queue_full"\} 6$/m);
    expect(text).toMatch(/^exfilwatch_netflow\{stat="template_misses"\} 1$/m);
    expect(text).toMatch(/^exfilwatch_process_resident_memory_bytes \d+/m);
  });

  it('reads the providers at every scrape, and reports kernel drops when the capture measures them', async () => {
    let received = 1;
    const reg = createMetricsRegistry({ capture: () => ({ received, dropped: 17, ifDropped: null, truncated: 0 }) });
    expect(await reg.metrics()).toMatch(/^exfilwatch_capture_received_total 1$/m);
    received = 50;
    const text = await reg.metrics();
    expect(text).toMatch(/^exfilwatch_capture_received_total 50$/m);
    expect(text).toMatch(/^exfilwatch_drops_total\{source="kernel"\} 17$/m);
    expect(text).not.toMatch(/source="interface"/);
    expect(text).not.toMatch(/exfilwatch_packets_total/);
  });
});

describe('startMetricsServer', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /healthz, /metrics, 404 and 405 on 127.0.0.1', async () => {
    let status: 'ok' | 'stopping' = 'ok';
    const r = await startMetricsServer({ host: '127.0.0.1', port: 0 }, createMetricsRegistry({ sensor: () => stats }), () => ({ status, packets: 1 }));
    if (!r.ok) throw new Error(r.message);
    server = r.server;
    const base = `http://127.0.0.1:${server.port}`;
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok', packets: 1 });
    const m = await fetch(`${base}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await m.text()).toMatch(/^exfilwatch_packets_total 1234$/m);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
    status = 'stopping';
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });

  it('reports a busy port as a message, not an exception', async () => {
    const first = await startMetricsServer({ host: '127.0.0.1', port: 0 }, createMetricsRegistry({}), () => ({ status: 'ok' }));
    if (!first.ok) throw new Error(first.message);
    server = first.server;
    const second = await startMetricsServer({ host: '127.0.0.1', port: server.port }, createMetricsRegistry({}), () => ({ status: 'ok' }));
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.message).toMatch(/EADDRINUSE/);
  });
});
