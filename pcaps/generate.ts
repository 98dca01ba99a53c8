/**
 * Writes every sample capture and its `<name>.expected.json` into a directory.
 * As a script (`npm run gen:pcaps`): into pcaps/, skipping captures already written by this generator
 * version unless `--force` is given.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, renderScenario, type Scenario } from './gen/scenario.js';
import { SCENARIOS } from './gen/scenarios.js';

function expectedPath(outDir: string, sc: Scenario): string {
  return join(outDir, `${sc.file.replace(/\.pcap(ng)?$/, '')}.expected.json`);
}

function upToDate(outDir: string, sc: Scenario): boolean {
  const exp = expectedPath(outDir, sc);
  if (!existsSync(join(outDir, sc.file)) || !existsSync(exp)) return false;
  try {
    const doc = JSON.parse(readFileSync(exp, 'utf8')) as { generator?: { version?: unknown } };
    return doc.generator?.version === GENERATOR_VERSION;
  } catch {
    return false;
  }
}

// Readers running at the same time (another test run) must never see a half-written file.
function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Generates all captures into `outDir` (created if missing); returns the capture paths written. */
export async function generateAll(outDir: string, opts: { force?: boolean; only?: readonly string[] } = {}): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const sc of SCENARIOS) {
    if (opts.only && !opts.only.includes(sc.file)) continue;
    if (opts.force === false && upToDate(outDir, sc)) continue;
    const { bytes, expected } = renderScenario(sc);
    const file = join(outDir, sc.file);
    writeAtomic(file, bytes);
    writeAtomic(expectedPath(outDir, sc), `${JSON.stringify(expected, null, 2)}\n`);
    written.push(file);
  }
  return written;
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const started = process.hrtime.bigint();
  const files = await generateAll(here, { force });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`${files.length} of ${SCENARIOS.length} captures written to ${here} in ${ms.toFixed(0)} ms${files.length < SCENARIOS.length ? ' (others up to date; --force rewrites)' : ''}\n`);
}
