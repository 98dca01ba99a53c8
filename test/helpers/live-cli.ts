/**
 * Runs the built `exfilwatch` CLI as a child process for live-capture tests: waits for the
 * "capturing on" line, collects stdout (JSON lines) and stderr, stops it with SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The CLI entry (EXFILWATCH_BIN overrides it, e.g. to try a build before `live` is dispatched). */
export const BIN = process.env['EXFILWATCH_BIN'] ?? resolve(ROOT, 'bin/exfilwatch.js');

/** Builds dist/ once when it is missing (npm test builds it first). */
export function ensureBuilt(): void {
  if (existsSync(resolve(ROOT, 'dist/cli/live.js'))) return;
  const r = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

export interface LiveRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves with the metrics URL (when --metrics was given) once capture has started */
  readonly ready: Promise<{ metricsUrl?: string }>;
  /** SIGTERM, then the exit code */
  stop(): Promise<number | null>;
}

/** Starts `exfilwatch live ARGS`, optionally inside a network namespace. */
export function startLive(args: readonly string[], netns?: string): LiveRun {
  const cmd = netns !== undefined ? 'ip' : process.execPath;
  const full = netns !== undefined ? ['netns', 'exec', netns, process.execPath, BIN, 'live', ...args] : [BIN, 'live', ...args];
  const child = spawn(cmd, full, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const ready = new Promise<{ metricsUrl?: string }>((res, rej) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (err.includes('capturing on')) {
        const m = /metrics on (http:\/\/\S+)\/metrics/.exec(err);
        res(m?.[1] !== undefined ? { metricsUrl: m[1] } : {});
      }
    });
    void exited.then((code) => rej(new Error(`exfilwatch live exited early (${code}): ${err}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ready,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs `exfilwatch replay FILE` and returns its JSON lines. */
export function replayEvents(file: string): Record<string, unknown>[] {
  const r = spawnSync(process.execPath, [BIN, 'replay', '--no-progress', '-q', file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`replay ${file} failed: ${r.stderr}`);
  return parseLines(r.stdout);
}

/** An ECS timestamp (`2024-01-02T03:04:05.123456Z`) as µs since the epoch. */
export function isoMicros(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (m === null) return Number.NaN;
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Parses JSON lines. */
export function parseLines(text: string): Record<string, unknown>[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * An event without the fields that depend on when it was seen (timestamps, durations, run-local
 * flow ids, DNS round-trip times), as a canonical string for multiset comparison.
 */
export function timeless(ev: Record<string, unknown>): string {
  const c = structuredClone(ev) as Record<string, Record<string, unknown> | undefined> & Record<string, unknown>;
  delete c['@timestamp'];
  for (const k of ['start', 'end', 'duration', 'created', 'ingested']) delete c['event']?.[k];
  delete c['flow']?.['id'];
  const x = c['exfilwatch'] as Record<string, Record<string, unknown> | undefined> | undefined;
  delete x?.['ftp']?.['control_flow_id'];
  delete x?.['dns']?.['rtt_us'];
  return JSON.stringify(sortKeys(c));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
