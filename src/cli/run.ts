import type { ParseArgsConfig } from 'node:util';
import { loadConfigFile, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createCounters } from '../core/counters.js';
import { createDetector } from '../detect/detector.js';
import type { DetectIntel } from '../detect/intel-view.js';
import { createIntel, type Intel } from '../intel/intel.js';
import { createSinks, syslogSchema, type OutputsConfig } from '../output/config.js';
import type { Sink } from '../output/sink.js';
import { parseCli, str, strs } from './args.js';
import { buildPipeline, type Pipeline } from './pipeline.js';

/** Where a command writes. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Flags every pipeline command (replay, live, netflow) shares. */
export const RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  output: { type: 'string', short: 'o' },
  syslog: { type: 'string', multiple: true },
  format: { type: 'string' },
  'alerts-only': { type: 'boolean' },
  'asn-db': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The shared flags after parsing. */
export interface RunFlags {
  readonly values: Readonly<Record<string, unknown>>;
  readonly output?: string | undefined;
  readonly syslog: readonly string[];
  readonly format?: string | undefined;
  readonly alertsOnly: boolean;
  readonly asnDb?: string | undefined;
  readonly quiet: boolean;
}

export type Loaded =
  | { readonly ok: true; readonly config: Config; readonly flags: RunFlags; readonly positionals: string[] }
  | { readonly ok: false; readonly code: number };

/** Parses flags and the config file; prints usage or the config error and returns the exit code on failure. */
export async function loadRunConfig(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, io: Io, usage: string): Promise<Loaded> {
  const parsed = parseCli(argv, options);
  if (!parsed.ok) {
    io.stderr.write(`exfilwatch: ${parsed.error}\n${usage}`);
    return { ok: false, code: 2 };
  }
  const v = parsed.values;
  if (v['help'] === true) {
    io.stdout.write(usage);
    return { ok: false, code: 0 };
  }
  const configPath = str(v['config']);
  const cfg = configPath !== undefined ? loadConfigFile(configPath) : parseConfig({}, 'defaults');
  if (!cfg.ok) {
    io.stderr.write(`exfilwatch: invalid config:\n${cfg.error}\n`);
    return { ok: false, code: 2 };
  }
  const format = str(v['format']);
  if (format !== undefined && format !== 'json' && format !== 'cef') {
    io.stderr.write(`exfilwatch: --format must be json or cef, not '${format}'\n`);
    return { ok: false, code: 2 };
  }
  const flags: RunFlags = {
    values: v,
    output: str(v['output']),
    syslog: strs(v['syslog']),
    format,
    alertsOnly: v['alerts-only'] === true,
    asnDb: str(v['asn-db']),
    quiet: v['quiet'] === true,
  };
  return { ok: true, config: cfg.config, flags, positionals: parsed.positionals };
}

export type Built =
  | { readonly ok: true; readonly pipeline: Pipeline; readonly intel: Intel; close(): Promise<void> }
  | { readonly ok: false };

/** How a run reads its input: a live source must never wait on a slow output. */
export interface RunMode {
  readonly configFile?: string | undefined;
  /** live capture and NetFlow: JSON-lines outputs drop (and count) instead of waiting on a slow reader */
  readonly live?: boolean;
}

/** Builds the intel, outputs and detection for one run, then the pipeline. Errors are printed, never thrown. */
export async function buildRun(config: Config, flags: RunFlags, io: Io, mode: RunMode = {}): Promise<Built> {
  const configFile = mode.configFile;
  const counters = createCounters();
  const loaded = await createIntel({
    asnDbPath: flags.asnDb ?? config.intel.asn_db,
    intelDir: config.intel.dir,
    allowlist: config.allowlist,
    configFile,
    localNets: config.intel.local_nets,
    zones: config.intel.zones,
    asnCacheSize: config.intel.asn_cache_size,
    counters,
  });
  if (!loaded.ok) {
    io.stderr.write(`exfilwatch: ${loaded.error}\n`);
    return { ok: false };
  }
  const intel = loaded.intel;
  let sinks: Sink[];
  try {
    sinks = createSinks(applyOutputFlags(config.outputs, flags, mode.live === true), config.observer_name, counters);
  } catch (e) {
    io.stderr.write(`exfilwatch: cannot open output: ${e instanceof Error ? e.message : String(e)}\n`);
    return { ok: false };
  }
  const engine = createDetector(config.detect, detectView(intel), counters);
  const base = buildPipeline(config, { sinks, engine, direction: intel.direction, counters });
  const pipeline: Pipeline = { ...base, reload: () => reloadIntel(intel, configFile, flags.asnDb) };
  return { ok: true, pipeline, intel, close: async () => undefined };
}

// Detection thresholds and outputs stay as started; intel files, the allowlist and the networks reload.
async function reloadIntel(intel: Intel, configFile: string | undefined, asnDbFlag: string | undefined): Promise<void> {
  let changes = {};
  if (configFile !== undefined) {
    const cfg = loadConfigFile(configFile);
    if (!cfg.ok) throw new Error(cfg.error);
    const c = cfg.config;
    changes = { asnDbPath: asnDbFlag ?? c.intel.asn_db, intelDir: c.intel.dir, allowlist: c.allowlist, localNets: c.intel.local_nets, zones: c.intel.zones };
  }
  const r = await intel.reload(changes);
  if (!r.ok) throw new Error(r.error);
}

/**
 * Flags on top of the config's outputs: --output points the standard-output JSON sink at a file,
 * --alerts-only filters it, --syslog adds syslog sinks with the --format body. A live run never waits on
 * a JSON-lines reader (waiting would stall the capture): its lines drop and are counted instead.
 */
export function applyOutputFlags(outputs: OutputsConfig, flags: RunFlags, live = false): OutputsConfig {
  const out: OutputsConfig = outputs.map((s) => {
    if (s.type !== 'jsonl') return s;
    const base = live ? { ...s, on_full: 'drop' as const } : s;
    if (s.path !== undefined && s.path !== '-') return base;
    return {
      ...base,
      ...(flags.output !== undefined ? { path: flags.output } : {}),
      ...(flags.alertsOnly ? { filter: { ...s.filter, types: ['alert' as const] } } : {}),
    };
  });
  for (const url of flags.syslog) {
    out.push(syslogSchema.parse({ type: 'syslog', url, body: flags.format ?? 'json' }));
  }
  return out;
}

/** Adapts the intel facade to the narrow view detection reads. */
export function detectView(intel: Intel): DetectIntel {
  return {
    enrich: (ip, domain) => intel.enrich(ip, domain),
    classifyDomain: (name) => intel.classifyDomain(name),
    allowlisted: (src, d, ts) => intel.allowlisted(src, { ip: d.ip, asn: d.asNumber, domain: d.domain, provider: d.provider, service: d.service }, ts),
    zoneOf: (ip) => intel.zoneOf(ip),
    ja4Listed: (fp) => intel.ja4(fp)?.label,
  };
}
