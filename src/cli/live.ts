import type { Config } from '../config/schema.js';
import { captureSchema, type CaptureConfig } from '../ingest/live-config.js';
import { createLiveClock, loadCaptureBinding, openLiveCapture, type LiveStats } from '../ingest/live.js';
import { parseListen } from '../metrics/config.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { startMetricsServer, type Health, type MetricsServer } from '../metrics/server.js';
import { str } from './args.js';
import { formatSummary } from './summary.js';
import { buildRun, loadRunConfig, RUN_OPTIONS, type Io } from './run.js';
import type { Pipeline } from './pipeline.js';

export const LIVE_USAGE = `usage: exfilwatch live --interface IFACE [options]
  -i, --interface IFACE  capture on IFACE (promiscuous), e.g. a SPAN or tap port
      --bpf EXPR         BPF filter (tcpdump syntax)
      --snaplen N        bytes kept per frame, 64..65535 (default 65535)
      --buffer-size N    kernel capture buffer, bytes (default 268435456)
      --no-promiscuous   do not put the interface in promiscuous mode (default: promiscuous)
      --metrics ADDR     serve /healthz and /metrics on ADDR, e.g. 127.0.0.1:9108 (default: off)
      --stats-interval S write the drop line to standard error every S seconds (default 60, 0 = at exit only)
  -c, --config FILE      YAML config file (see README)
  -o, --output FILE      write JSON lines to FILE instead of standard output
      --alerts-only      only alerts go to standard output / --output
      --asn-db PATH      a GeoLite2-ASN style .mmdb (wins over the embedded default)
  -q, --quiet            no summary on standard error
Signals: SIGTERM/SIGINT flush open flows and outputs, then exit 0; SIGHUP reloads intel and config.
`;

const LIVE_OPTIONS = {
  ...RUN_OPTIONS,
  interface: { type: 'string', short: 'i' },
  bpf: { type: 'string' },
  snaplen: { type: 'string' },
  'buffer-size': { type: 'string' },
  'no-promiscuous': { type: 'boolean' },
  metrics: { type: 'string' },
  'stats-interval': { type: 'string' },
} as const;

/** `exfilwatch live`: capture until SIGTERM/SIGINT; exit 0 after a clean flush, 2 on a usage or set-up error, 1 when the interface cannot be opened. */
export async function runLive(argv: readonly string[], io: Io): Promise<number> {
  const loaded = await loadRunConfig(argv, LIVE_OPTIONS, io, LIVE_USAGE);
  if (!loaded.ok) return loaded.code;
  const { config, flags } = loaded;
  const settings = liveSettings(config, flags.values);
  if (!settings.ok) {
    io.stderr.write(`exfilwatch live: ${settings.error}\n`);
    return 2;
  }
  const { capture: cc, metrics: metricsAddr } = settings;
  if (cc.interface === undefined) {
    io.stderr.write('exfilwatch live: no interface given (--interface IFACE)\n' + LIVE_USAGE);
    return 2;
  }
  const binding = loadCaptureBinding();
  if (!binding.ok) {
    io.stderr.write(`exfilwatch live: ${binding.message}\n`);
    return 2;
  }
  const built = await buildRun(config, flags, io, { configFile: str(flags.values['config']), live: true });
  if (!built.ok) return 2;
  const { pipeline } = built;
  const { sensor, counters } = pipeline;
  const clock = createLiveClock();
  const opened = openLiveCapture(
    { iface: cc.interface, bpf: cc.bpf, snaplen: cc.snaplen, bufferSize: cc.buffer_size, promiscuous: cc.promiscuous },
    (f) => {
      try {
        sensor.frame(f);
      } catch {
        // A bug on one frame must not stop a months-long capture: count it and go on.
        counters.inc('live.frame_error');
      }
    },
    counters,
  );
  if (!opened.ok) {
    io.stderr.write(`exfilwatch live: ${opened.message}\n`);
    await sensor.finish();
    await built.close();
    return opened.reason === 'unavailable' ? 2 : 1;
  }
  const cap = opened.capture;
  const started = process.hrtime.bigint();
  let status: Health['status'] = 'ok';

  let metrics: MetricsServer | undefined;
  if (metricsAddr !== undefined) {
    const registry = createMetricsRegistry({
      sensor: () => sensor.stats(),
      counters: () => counters.snapshot(),
      sinks: () => pipeline.sinks,
      capture: () => cap.stats(),
    });
    const r = await startMetricsServer(metricsAddr, registry, () => ({ status, interface: cc.interface, ...cap.stats(), flows_active: sensor.stats().flowsActive }));
    if (!r.ok) {
      io.stderr.write(`exfilwatch live: ${r.message}\n`);
      cap.close();
      await sensor.finish();
      await built.close();
      return 2;
    }
    metrics = r.server;
    io.stderr.write(`exfilwatch live: metrics on http://${metrics.host.includes(':') ? `[${metrics.host}]` : metrics.host}:${metrics.port}/metrics\n`);
  }
  io.stderr.write(`exfilwatch live: capturing on ${cc.interface} (linktype ${cap.linkType}${cc.bpf !== '' ? `, filter '${cc.bpf}'` : ''})\n`);

  const ticker = setInterval(() => {
    try {
      sensor.tick(clock());
    } catch {
      counters.inc('live.tick_error');
    }
  }, cc.tick_interval * 1000);
  const statsTimer = cc.stats_interval > 0 ? setInterval(() => io.stderr.write(dropLine(cap.stats(), pipeline)), cc.stats_interval * 1000) : undefined;

  return new Promise<number>((resolve) => {
    const stop = (): void => {
      if (status === 'stopping') return;
      status = 'stopping';
      cap.close();
      clearInterval(ticker);
      if (statsTimer) clearInterval(statsTimer);
      void shutdown().then(resolve);
    };
    const reload = (): void => void reloadPipeline(pipeline, io);
    const shutdown = async (): Promise<number> => {
      sensor.tick(clock());
      await sensor.finish();
      await built.close();
      await metrics?.close();
      process.off('SIGTERM', stop).off('SIGINT', stop).off('SIGHUP', reload);
      if (flags.quiet !== true) {
        const secs = Number(process.hrtime.bigint() - started) / 1e9;
        io.stderr.write(formatSummary(`live ${cc.interface}`, sensor.stats(), counters.snapshot(), secs));
        io.stderr.write(dropLine(cap.stats(), pipeline));
      }
      return 0;
    };
    process.on('SIGTERM', stop).on('SIGINT', stop).on('SIGHUP', reload);
  });
}

type Settings = { readonly ok: true; readonly capture: CaptureConfig; readonly metrics?: { host: string; port: number } } | { readonly ok: false; readonly error: string };

// The config file's `capture:` and `metrics:` sections, overridden by flags and validated again.
function liveSettings(config: Config, v: Readonly<Record<string, unknown>>): Settings {
  const merged: Record<string, unknown> = { ...config.capture };
  const iface = str(v['interface']);
  if (iface !== undefined) merged['interface'] = iface;
  const bpf = str(v['bpf']);
  if (bpf !== undefined) merged['bpf'] = bpf;
  if (v['no-promiscuous'] === true) merged['promiscuous'] = false;
  for (const [flag, key] of [['snaplen', 'snaplen'], ['buffer-size', 'buffer_size'], ['stats-interval', 'stats_interval']] as const) {
    const s = str(v[flag]);
    if (s === undefined) continue;
    if (!/^\d+(\.\d+)?$/.test(s)) return { ok: false, error: `--${flag} must be a number, not '${s}'` };
    merged[key] = Number(s);
  }
  const r = captureSchema.safeParse(merged);
  if (!r.success) return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const listenText = str(v['metrics']) ?? config.metrics.listen;
  if (listenText === undefined) return { ok: true, capture: r.data };
  const listen = parseListen(listenText);
  if (listen === null) return { ok: false, error: `--metrics must be HOST:PORT or [V6]:PORT, not '${listenText}'` };
  return { ok: true, capture: r.data, metrics: listen };
}

/** The periodic and final drop report: every place a frame or event can be lost. */
function dropLine(s: LiveStats, p: Pipeline): string {
  let queue = 0;
  for (const sink of p.sinks) queue += Object.values(sink.stats().dropped).reduce((a, b) => a + b, 0);
  const st = p.sensor.stats();
  return (
    `exfilwatch live: received ${s.received}, kernel drops ${s.dropped ?? 'n/a (pcap_stats failed)'}, ` +
    `interface drops ${s.ifDropped ?? 'n/a'}, truncated ${s.truncated}, output queue drops ${queue}, ` +
    `flows evicted ${p.counters.get('flow.ended.evicted')}, flows active ${st.flowsActive}\n`
  );
}

async function reloadPipeline(p: Pipeline, io: Io): Promise<void> {
  const reload = (p as Pipeline & { reload?: () => unknown }).reload;
  if (typeof reload !== 'function') {
    io.stderr.write('exfilwatch live: SIGHUP: reload is not available in this build; flow state kept\n');
    return;
  }
  try {
    await reload.call(p);
    io.stderr.write('exfilwatch live: SIGHUP: intel and config reloaded; flow state kept\n');
  } catch (e) {
    io.stderr.write(`exfilwatch live: SIGHUP: reload failed, keeping the old settings: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
