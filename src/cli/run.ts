import type { ParseArgsConfig } from 'node:util';
import { loadConfigFile, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createJsonlSink } from '../output/jsonl.js';
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

export type Built = { readonly ok: true; readonly pipeline: Pipeline; close(): Promise<void> } | { readonly ok: false };

/** Builds the outputs, intel and detection for one run, then the pipeline. Errors are printed. */
export async function buildRun(config: Config, flags: RunFlags, io: Io): Promise<Built> {
  const sinks: Sink[] = [
    createJsonlSink({
      ...(flags.output !== undefined ? { path: flags.output } : {}),
      ...(flags.alertsOnly ? { filter: { types: ['alert'] } } : {}),
    }, config.observer_name),
  ];
  if (flags.syslog.length > 0) {
    io.stderr.write('exfilwatch: --syslog is not available in this build\n');
    return { ok: false };
  }
  const pipeline = buildPipeline(config, { sinks });
  return { ok: true, pipeline, close: async () => undefined };
}
