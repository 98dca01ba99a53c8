import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const PCAPS = join(ROOT, 'pcaps');
export const SAMPLE_CONFIG = join(PCAPS, 'sample-config.yaml');
/** The shared corpus lies beside the repository (../shared/corpus), in CI as on a developer's machine. */
export const CORPUS = join(ROOT, '../shared/corpus');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (npm test builds dist/ first) and collects its output. */
export function runCli(args: readonly string[], opts: { input?: Buffer; timeoutMs?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/exfilwatch.js'), ...args], {
    cwd: ROOT, input: opts.input, maxBuffer: 512 * 1024 * 1024, timeout: opts.timeoutMs ?? 120_000, encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A JSON object with nested ECS fields; `get(ev, 'source.ip')` reads one. */
export type Doc = Record<string, unknown>;

export function get(ev: Doc, path: string): unknown {
  let cur: unknown = ev;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[k];
  }
  return cur;
}

export function parseLines(text: string): Doc[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Doc);
}

export function dataset(events: Doc[], name: string): Doc[] {
  return events.filter((e) => get(e, 'event.dataset') === `exfilwatch.${name}`);
}
