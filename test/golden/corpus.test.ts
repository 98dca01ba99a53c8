import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, runCli } from '../helpers/cli.js';

/**
 * The shared yardstick: 124 real captures from the Suricata, Zeek, nDPI and tcpdump test suites, scored
 * by ../shared/corpus/check.py against tshark's values. Floors are the measured scores (README lists and
 * explains every remaining gap), so any regression fails.
 */
const FLOORS: Record<string, { precision: number; recall: number }> = {
  dns_question: { precision: 1, recall: 1 },
  dns_answer: { precision: 1, recall: 0.996 },
  dns_rcode: { precision: 0.997, recall: 0.997 },
  tls_sni: { precision: 1, recall: 0.994 },
  http: { precision: 0.996, recall: 0.998 },
  ftp: { precision: 1, recall: 1 },
  flow: { precision: 1, recall: 0.997 },
  flow_counts: { precision: 1, recall: 0.999 },
};

const available = existsSync(join(CORPUS, 'check.py'));

describe.skipIf(!available)('shared corpus scored by check.py', () => {
  it('replays all 124 captures without a crash and meets the floors', () => {
    const out = mkdtempSync(join(tmpdir(), 'exfilwatch-corpus-'));
    const pcaps = readdirSync(join(CORPUS, 'pcaps')).map((f) => join(CORPUS, 'pcaps', f));
    const run = runCli(['replay', '--events-dir', out, '-q', '--no-progress', ...pcaps], { timeoutMs: 600_000 });
    // Two captures are corrupt part-way (exit 1 with a one-line error each); nothing may crash.
    expect(run.code).toBe(1);
    const errors = run.stderr.trim().split('\n');
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toMatch(/^exfilwatch: \S+: .*byte offset \d+/);
    const report = join(out, 'report.json');
    const check = spawnSync('python3', [join(CORPUS, 'check.py'), '--events-dir', out, '--require-all', '--json', report], { encoding: 'utf8' });
    expect(check.status).toBe(0);
    const summary = (JSON.parse(readFileSync(report, 'utf8')) as { summary: Record<string, { precision: number; recall: number }> }).summary;
    for (const [cat, floor] of Object.entries(FLOORS)) {
      expect(summary[cat]?.precision, `${cat} precision`).toBeGreaterThanOrEqual(floor.precision);
      expect(summary[cat]?.recall, `${cat} recall`).toBeGreaterThanOrEqual(floor.recall);
    }
  });
});
