import { DEFAULT_DETECT_CONFIG } from '../detect/config.js';
import { RULES } from '../detect/rules.js';
import { parseCli } from './args.js';
import type { Io } from './run.js';

const USAGE = 'usage: exfilwatch rules [--json]\n';

/** `exfilwatch rules`: the detection rules with their MITRE mapping and the thresholds that drive them. */
export async function runRules(argv: readonly string[], io: Io): Promise<number> {
  const p = parseCli(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (!p.ok || p.positionals.length > 0) {
    io.stderr.write(`exfilwatch rules: ${p.ok ? 'takes no arguments' : p.error}\n${USAGE}`);
    return 2;
  }
  if (p.values['help'] === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  const rules = Object.values(RULES);
  if (p.values['json'] === true) {
    io.stdout.write(JSON.stringify({ rules, thresholds: DEFAULT_DETECT_CONFIG }, null, 2) + '\n');
    return 0;
  }
  for (const r of rules) {
    io.stdout.write(`${r.id}  ${r.technique.padEnd(9)}  TA0010 Exfiltration  ${r.name}\n    ${r.description}\n`);
  }
  const c = DEFAULT_DETECT_CONFIG;
  io.stdout.write(`\nthresholds (config key detect.*): window ${c.window} s, min_upload_bytes ${c.min_upload_bytes}, min_pcr ${c.min_pcr}, ` +
    `volume tiers ${c.volume_tiers.map((t) => `${t.bytes / 1e6} MB→${t.score}`).join(', ')}; bands: low < 40 ≤ medium < 70 ≤ high < 90 ≤ critical\n`);
  return 0;
}
