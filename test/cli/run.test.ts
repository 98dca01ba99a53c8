import { describe, expect, it } from 'vitest';
import { applyOutputFlags, type RunFlags } from '../../src/cli/run.js';
import { parseConfig } from '../../src/config/load.js';

const flags = (o: Partial<RunFlags>): RunFlags => ({ values: {}, syslog: [], alertsOnly: false, quiet: false, ...o });

describe('output flags over the config outputs', () => {
  const cfg = parseConfig({ outputs: [{ type: 'jsonl' }, { type: 'jsonl', path: '/var/log/x.jsonl' }] }, 'test');
  if (!cfg.ok) throw new Error(cfg.error);
  const outputs = cfg.config.outputs;

  it('points the stdout sink at --output, filters it with --alerts-only and adds --syslog sinks', () => {
    const out = applyOutputFlags(outputs, flags({ output: 'events.jsonl', alertsOnly: true, syslog: ['tls://siem:6514'], format: 'cef' }));
    expect(out[0]).toMatchObject({ type: 'jsonl', path: 'events.jsonl', filter: { types: ['alert'] }, on_full: 'wait' });
    expect(out[1]).toMatchObject({ type: 'jsonl', path: '/var/log/x.jsonl' });
    expect(out[1]).not.toHaveProperty('filter');
    expect(out[2]).toMatchObject({ type: 'syslog', url: 'tls://siem:6514', body: 'cef' });
  });

  it('never lets a live run wait on a JSON-lines reader', () => {
    const out = applyOutputFlags(outputs, flags({}), true);
    expect(out.map((s) => (s.type === 'jsonl' ? s.on_full : 'n/a'))).toEqual(['drop', 'drop']);
  });
});
