import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ROOT, SAMPLE_CONFIG } from '../helpers/cli.js';

describe('config schema', () => {
  it('accepts the example in the README and the sample config', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const r = parseConfig(parse(block!), 'README.md');
    expect(r.ok ? '' : r.error).toBe('');
    const sample = parseConfig(parse(readFileSync(SAMPLE_CONFIG, 'utf8')), SAMPLE_CONFIG);
    expect(sample.ok).toBe(true);
  });

  it('fills every default from an empty file', () => {
    const r = parseConfig({}, 'empty');
    if (!r.ok) throw new Error(r.error);
    expect(r.config.flow).toMatchObject({ max_flows: 262_144, idle_timeout: { tcp: 300, udp: 60, other: 60 }, active_timeout: 300 });
    expect(r.config.detect.window).toBe(3600);
    expect(r.config.outputs).toEqual([expect.objectContaining({ type: 'jsonl' })]);
  });

  it('rejects unknown keys and bad values, naming the source and the key path', () => {
    const r = parseConfig({ flow: { idle_timeout: { tcp: -1 } }, detect: { weigths: {} } }, 'site.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('site.yaml: flow.idle_timeout.tcp');
    expect(r.error).toContain('weigths');
  });
});
