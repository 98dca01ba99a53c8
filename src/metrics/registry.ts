/**
 * The Prometheus registry of a running sensor. It holds no state of its own: every metric reads a
 * provider function at scrape time, so `live` and `netflow` hand in what they have and leave out the rest.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SinkStats } from '../output/sink.js';
import type { SensorStats } from '../sensor.js';

/** Capture totals as the metrics see them (see ingest/live.ts LiveStats). null = not measurable. */
export interface CaptureMetrics {
  readonly received: number;
  readonly dropped: number | null;
  readonly ifDropped: number | null;
  readonly truncated: number;
}

/** Where the metrics read their values at scrape time. Each provider is optional. */
export interface MetricsProviders {
  readonly sensor?: () => SensorStats;
  /** the named drop/anomaly counters (Counters.snapshot()) */
  readonly counters?: () => Readonly<Record<string, number>>;
  readonly sinks?: () => readonly { readonly name: string; stats(): SinkStats }[];
  readonly capture?: () => CaptureMetrics;
  /** NetFlow/IPFIX collector stats by name (e.g. packets, records, template_misses) */
  readonly netflow?: () => Readonly<Record<string, number>>;
}

/** Prefix of every exfilwatch metric. */
export const METRIC_PREFIX = 'exfilwatch_';

/**
 * Builds a registry over the providers, with Node's process metrics (CPU, memory, event-loop lag).
 * Label values come from code (dataset names, counter names, sink names), never from the wire.
 */
export function createMetricsRegistry(p: MetricsProviders): Registry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const total = (name: string, help: string, labelNames: readonly string[], fill: (c: Counter) => void): void => {
    const c: Counter = new Counter({ name: METRIC_PREFIX + name, help, labelNames, registers, collect: () => { c.reset(); fill(c); } });
  };
  const gauge = (name: string, help: string, labelNames: readonly string[], fill: (g: Gauge) => void): void => {
    const g: Gauge = new Gauge({ name: METRIC_PREFIX + name, help, labelNames, registers, collect: () => { g.reset(); fill(g); } });
  };
  const { sensor, counters, sinks, capture, netflow } = p;

  if (sensor) {
    total('packets_total', 'Frames the sensor decoded or counted', [], (c) => c.inc(sensor().packets));
    total('bytes_total', 'Bytes on the wire of those frames', [], (c) => c.inc(sensor().bytes));
    gauge('flows_active', 'Flows in the flow table now', [], (g) => g.set(sensor().flowsActive));
    total('events_total', 'Events written, by ECS event.dataset', ['dataset'], (c) => {
      for (const [type, n] of Object.entries(sensor().events)) c.inc({ dataset: `exfilwatch.${type}` }, n);
    });
    total('alerts_total', 'Alerts raised', [], (c) => c.inc(sensor().events.alert));
  }
  total('drops_total', 'Frames, packets or events lost or skipped, by where (kernel only when the binding can measure it)', ['source'], (c) => {
    const cs = capture?.();
    if (cs) {
      if (cs.dropped !== null) c.inc({ source: 'kernel' }, cs.dropped);
      if (cs.ifDropped !== null) c.inc({ source: 'interface' }, cs.ifDropped);
      c.inc({ source: 'truncated' }, cs.truncated);
    }
    let queue = 0;
    for (const s of sinks?.() ?? []) queue += Object.values(s.stats().dropped).reduce((a, b) => a + b, 0);
    c.inc({ source: 'output_queue' }, queue);
    const snap = counters?.() ?? {};
    let decode = 0;
    for (const [k, v] of Object.entries(snap)) if (k.startsWith('decode.')) decode += v;
    c.inc({ source: 'decode' }, decode);
    c.inc({ source: 'flow_evicted' }, snap['flow.ended.evicted'] ?? 0);
  });
  if (capture) {
    total('capture_received_total', 'Frames the capture handed to the sensor', [], (c) => c.inc(capture().received));
    gauge('capture_kernel_drops_measured', '1 when the capture binding reports kernel drops, 0 when it cannot', [], (g) => g.set(capture().dropped === null ? 0 : 1));
  }
  if (counters) {
    total('anomalies_total', 'Named drop, skip and anomaly counters (e.g. decode.ipv4.bad_ihl)', ['name'], (c) => {
      for (const [k, v] of Object.entries(counters())) c.inc({ name: k }, v);
    });
  }
  if (sinks) {
    gauge('output_queued', 'Events waiting in memory, by sink', ['sink'], (g) => { for (const s of sinks()) g.set({ sink: s.name }, s.stats().queued); });
    gauge('output_spooled', 'Events waiting in the disk spool, by sink', ['sink'], (g) => { for (const s of sinks()) g.set({ sink: s.name }, s.stats().spooled); });
    total('output_written_total', 'Events delivered, by sink', ['sink'], (c) => { for (const s of sinks()) c.inc({ sink: s.name }, s.stats().written); });
    total('output_dropped_total', 'Events lost, by sink and reason', ['sink', 'reason'], (c) => {
      for (const s of sinks()) for (const [reason, n] of Object.entries(s.stats().dropped)) c.inc({ sink: s.name, reason }, n);
    });
  }
  if (netflow) {
    gauge('netflow', 'NetFlow/IPFIX collector statistics by name', ['stat'], (g) => { for (const [k, v] of Object.entries(netflow())) g.set({ stat: k }, v); });
  }
  return registry;
}
