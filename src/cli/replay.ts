import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { readCapture, type ReadResult } from '../ingest/capture.js';
import { str } from './args.js';
import type { Pipeline } from './pipeline.js';
import { createProgress } from './progress.js';
import { formatSummary } from './summary.js';
import { buildRun, loadRunConfig, RUN_OPTIONS, type Io, type RunFlags } from './run.js';

export const REPLAY_USAGE = `usage: exfilwatch replay [options] FILE... ('-' reads a pcap stream from standard input)
  -c, --config FILE      YAML config file (see README)
  -o, --output FILE      write JSON lines to FILE instead of standard output
      --events-dir DIR   events of each capture in DIR/<capture>.jsonl
      --continuous       the files are one capture split in parts (tcpdump -C/-G): one pipeline, flows carry across files
      --syslog URL       also send events to syslog: udp://, tcp://, tls://host:port (repeatable)
      --format json|cef  syslog message body (default json)
      --alerts-only      only alerts go to standard output / --output
      --asn-db PATH      a GeoLite2-ASN style .mmdb (wins over the embedded default)
      --no-progress      no progress bar on standard error
  -q, --quiet            no summary on standard error
`;

/** `exfilwatch replay`: read captures, print events; exit 1 when a capture could not be read whole. */
export async function runReplay(argv: readonly string[], io: Io): Promise<number> {
  const loaded = await loadRunConfig(argv, { ...RUN_OPTIONS, 'events-dir': { type: 'string' }, continuous: { type: 'boolean' }, 'no-progress': { type: 'boolean' } }, io, REPLAY_USAGE);
  if (!loaded.ok) return loaded.code;
  const { config, flags, positionals } = loaded;
  if (positionals.length === 0) {
    io.stderr.write('exfilwatch replay: no capture file given\n' + REPLAY_USAGE);
    return 2;
  }
  const eventsDir = str(flags.values['events-dir']);
  const progress = flags.values['no-progress'] !== true;
  let code = 0;
  if (eventsDir !== undefined) mkdirSync(eventsDir, { recursive: true });
  // Each capture gets its own pipeline (deterministic per file) unless they are parts of one capture.
  const groups = flags.values['continuous'] === true ? [positionals] : positionals.map((f) => [f]);
  for (const files of groups) {
    const first = files[0] ?? '-';
    const out = eventsDir !== undefined ? { ...flags, output: join(eventsDir, `${basename(first === '-' ? 'stdin' : first)}.jsonl`) } : flags;
    code = Math.max(code, await replayFiles(files, config, out, io, progress));
    // Intel, outputs or config that cannot be set up fail the same way for every file: stop.
    if (code === 2) break;
  }
  return code;
}

/** One run over files that form one capture; 0 done, 1 a file could not be read whole, 2 set-up failed. */
async function replayFiles(files: readonly string[], config: Config, flags: RunFlags, io: Io, progress: boolean): Promise<number> {
  const built = await buildRun(config, flags, io, { configFile: str(flags.values['config']) });
  if (!built.ok) return 2;
  const { pipeline } = built;
  const started = process.hrtime.bigint();
  let ok = true;
  for (const file of files) {
    const bar = createProgress(process.stderr, basename(file), progress);
    const sensor = pipeline.sensor;
    let frames = 0;
    const result: ReadResult = await readCapture(file, (f) => { frames++; sensor.frame(f); }, {
      counters: pipeline.counters,
      onProgress: (read, total) => bar.update(read, total, frames),
      pause: () => giveWay(pipeline),
    });
    bar.done();
    if (result.error) {
      ok = false;
      io.stderr.write(`exfilwatch: ${result.error.file}: ${result.error.message} (at byte offset ${result.error.offset}; ${result.frames} packets read before it)\n`);
    }
  }
  await pipeline.sensor.finish();
  await built.close();
  if (flags.quiet !== true) {
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    io.stderr.write(formatSummary(files.join(' '), pipeline.sensor.stats(), pipeline.counters.snapshot(), secs));
  }
  return ok ? 0 : 1;
}

const QUEUE_HIGH = 1_000;
const MAX_WAIT_MS = 2_000;

/**
 * Between chunks: let sockets send, and while a sink (syslog over TCP/TLS) has a long queue, wait for it
 * to drain, for a bounded time, so a replay does not outrun a live receiver. A dead receiver is the
 * sink's business (spool or counted drops): the replay never hangs on it.
 */
async function giveWay(p: Pipeline): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  const started = Date.now();
  while (p.sinks.some((s) => s.stats().queued >= QUEUE_HIGH) && Date.now() - started < MAX_WAIT_MS) {
    await new Promise<void>((r) => setTimeout(r, 5));
  }
}
