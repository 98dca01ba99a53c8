import type { Micros } from '../core/types.js';
import { createCollector, listenUdp, readNetflowCapture, type Collector } from '../ingest/netflow/index.js';
import { parseListen } from '../metrics/config.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { startMetricsServer, type MetricsServer } from '../metrics/server.js';
import type { Config } from '../config/schema.js';
import { str, strs } from './args.js';
import type { Pipeline } from './pipeline.js';
import { buildRun, loadRunConfig, RUN_OPTIONS, type Io } from './run.js';
import { formatSummary } from './summary.js';

export const NETFLOW_USAGE = `usage: exfilwatch netflow [--listen udp://HOST:PORT]... | --read FILE  [options]
      --listen URL       UDP listener, IPv4 or IPv6 (repeatable; default udp://0.0.0.0:2055)
      --read FILE        replay a pcap of NetFlow/IPFIX datagrams instead of listening
      --rcvbuf BYTES     socket receive buffer asked of the kernel (default 33554432)
      --exporter IP      accept datagrams only from these exporters (repeatable)
      --metrics ADDR     serve /healthz and /metrics on ADDR, e.g. 127.0.0.1:9109
  -c, --config FILE      YAML config file (see README)
  -o, --output FILE      write JSON lines to FILE instead of standard output
      --syslog URL       also send events to syslog: udp://, tcp://, tls://host:port (repeatable)
      --format json|cef  syslog message body (default json)
      --alerts-only      only alerts go to standard output / --output
      --asn-db PATH      a GeoLite2-ASN style .mmdb (wins over the embedded default)
  -q, --quiet            no summary on standard error
NetFlow v5, v9 and IPFIX (v10); one-way records are paired into flows. SIGTERM/SIGINT flush and exit 0;
SIGHUP reloads intel, the allowlist and the networks from the config file.
`;

const OPTIONS = {
  ...RUN_OPTIONS,
  listen: { type: 'string', multiple: true },
  read: { type: 'string' },
  rcvbuf: { type: 'string' },
  exporter: { type: 'string', multiple: true },
  metrics: { type: 'string' },
} as const;

/** `exfilwatch netflow`: flows from routers go through the same enrichment, detection and outputs as packets. */
export async function runNetflow(argv: readonly string[], io: Io): Promise<number> {
  const loaded = await loadRunConfig(argv, OPTIONS, io, NETFLOW_USAGE);
  if (!loaded.ok) return loaded.code;
  const { config, flags, positionals } = loaded;
  if (positionals.length > 0) {
    io.stderr.write(`exfilwatch netflow: unexpected argument '${positionals[0]}'\n${NETFLOW_USAGE}`);
    return 2;
  }
  const rcv = str(flags.values['rcvbuf']);
  if (rcv !== undefined && !/^\d+$/.test(rcv)) {
    io.stderr.write(`exfilwatch netflow: --rcvbuf must be a number of bytes, not '${rcv}'\n`);
    return 2;
  }
  const file = str(flags.values['read']);
  const built = await buildRun(config, flags, io, { configFile: str(flags.values['config']), live: file === undefined });
  if (!built.ok) return 2;
  const { pipeline } = built;
  const nf = config.netflow;
  const collector = createCollector({
    allowExporters: [...nf.exporters, ...strs(flags.values['exporter'])],
    samplingRates: nf.sampling,
    maxTemplates: nf.max_templates,
    maxPendingRecords: nf.max_pending_records,
    pairSlackMicros: nf.pair_slack * 1e6,
    pairHoldMicros: nf.pair_hold * 1e6,
    direction: built.intel.direction,
  }, (f) => pipeline.sensor.flowRecord(f), pipeline.counters);
  const started = process.hrtime.bigint();
  const code = file !== undefined
    ? await replayExports(file, collector, pipeline, io)
    : await listen(config, flags.values, rcv !== undefined ? Number(rcv) : nf.rcvbuf, collector, pipeline, io);
  await built.close();
  if (flags.quiet !== true) {
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    io.stderr.write(formatSummary(`netflow ${file ?? 'listener'}`, pipeline.sensor.stats(), pipeline.counters.snapshot(), secs));
  }
  return code;
}

async function replayExports(file: string, collector: Collector, pipeline: Pipeline, io: Io): Promise<number> {
  const r = await readNetflowCapture(file, collector, pipeline.counters);
  collector.flush(Number.POSITIVE_INFINITY);
  await pipeline.sensor.finish();
  if (r.error !== undefined) {
    io.stderr.write(`exfilwatch netflow: ${file}: ${r.error}\n`);
    return 1;
  }
  return 0;
}

async function listen(config: Config, v: Readonly<Record<string, unknown>>, rcvbuf: number, collector: Collector, pipeline: Pipeline, io: Io): Promise<number> {
  const urls = strs(v['listen']).length > 0 ? strs(v['listen']) : config.netflow.listen;
  const now = (): Micros => Date.now() * 1000;
  let listeners: Awaited<ReturnType<typeof listenUdp>>;
  try {
    listeners = await listenUdp(urls, { rcvbufBytes: rcvbuf, counters: pipeline.counters }, (buf, exporter, at) => {
      try {
        collector.handleDatagram(buf, exporter, at);
      } catch {
        pipeline.counters.inc('netflow.datagram_error');
      }
    });
  } catch (e) {
    io.stderr.write(`exfilwatch netflow: cannot listen: ${e instanceof Error ? e.message : String(e)}\n`);
    await pipeline.sensor.finish();
    return 2;
  }
  const metricsText = str(v['metrics']) ?? config.metrics.listen;
  let metrics: MetricsServer | undefined;
  if (metricsText !== undefined) {
    const addr = parseListen(metricsText);
    const registry = createMetricsRegistry({
      sensor: () => pipeline.sensor.stats(),
      counters: () => pipeline.counters.snapshot(),
      sinks: () => pipeline.sinks,
      netflow: () => exporterTotals(collector),
    });
    const r = addr ? await startMetricsServer(addr, registry, () => ({ status: 'ok', exporters: collector.exporters().length })) : { ok: false as const, message: `--metrics must be HOST:PORT, not '${metricsText}'` };
    if (!r.ok) {
      io.stderr.write(`exfilwatch netflow: ${r.message}\n`);
      await listeners.close();
      await pipeline.sensor.finish();
      return 2;
    }
    metrics = r.server;
  }
  for (const s of listeners.stats()) io.stderr.write(`exfilwatch netflow: listening on ${s.url} (receive buffer ${s.rcvbufBytes} bytes)\n`);
  // Pairs whose hold expired go out, and windows close, even when exporters fall silent.
  const ticker = setInterval(() => {
    collector.flush(now());
    pipeline.sensor.tick(now());
  }, 1000);
  // SIGHUP: intel, allowlist and networks reload; flows, pairs and windows are kept.
  const reload = (): void => {
    void (pipeline.reload?.() ?? Promise.resolve()).then(
      () => io.stderr.write('exfilwatch netflow: SIGHUP: intel and config reloaded; state kept\n'),
      (e: unknown) => io.stderr.write(`exfilwatch netflow: SIGHUP: reload failed, keeping the old settings: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  };
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      clearInterval(ticker);
      process.off('SIGTERM', stop).off('SIGINT', stop).off('SIGHUP', reload);
      void (async () => {
        await listeners.close();
        collector.flush(Number.POSITIVE_INFINITY);
        await pipeline.sensor.finish();
        await metrics?.close();
        resolve(0);
      })();
    };
    process.on('SIGTERM', stop).on('SIGINT', stop).on('SIGHUP', reload);
  });
}

/** Exporter statistics summed for the metrics endpoint. */
function exporterTotals(c: Collector): Record<string, number> {
  const t: Record<string, number> = { exporters: 0, packets: 0, records: 0, lost_records: 0, sequence_gaps: 0, templates: c.templateCount() };
  for (const e of c.exporters()) {
    t['exporters'] = (t['exporters'] ?? 0) + 1;
    t['packets'] = (t['packets'] ?? 0) + e.packets;
    t['records'] = (t['records'] ?? 0) + e.records;
    t['lost_records'] = (t['lost_records'] ?? 0) + e.lostRecords;
    t['sequence_gaps'] = (t['sequence_gaps'] ?? 0) + e.sequenceGaps;
  }
  return t;
}
