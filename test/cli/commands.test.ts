import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('exfilwatch commands', () => {
  it('rules: every rule with its MITRE technique, as text and JSON', () => {
    const text = runCli(['rules']);
    expect(text.code).toBe(0);
    for (const id of ['EXF-1001', 'EXF-1002', 'EXF-1003', 'EXF-1004', 'EXF-1005']) expect(text.stdout).toContain(id);
    const json = JSON.parse(runCli(['rules', '--json']).stdout) as { rules: { id: string; technique: string }[]; thresholds: { min_upload_bytes: number } };
    expect(new Set(json.rules.map((r) => r.technique))).toEqual(new Set(['T1567.002', 'T1020', 'T1048']));
    expect(json.thresholds.min_upload_bytes).toBe(5_000_000);
  });

  it('intel lookup answers for an address and a name', () => {
    const r = runCli(['intel', 'lookup', '--json', '66.203.126.10', 'gfs270n071.userstorage.mega.co.nz']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('205809');
    expect(r.stdout).toMatch(/"role":\s*"upload"/);
  });

  it('usage errors exit 2 with one message; help and version exit 0', () => {
    const unknown = runCli(['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'bogus'");
    expect(runCli(['constructor']).code).toBe(2); // not a command because Object has it
    expect(runCli(['replay', '--no-such-flag', 'x.pcap']).code).toBe(2);
    expect(runCli(['replay']).code).toBe(2);
    expect(runCli(['replay', '--format', 'xml', 'x.pcap']).code).toBe(2);
    expect(runCli(['help']).code).toBe(0);
    expect(runCli(['--version']).stdout).toMatch(/^exfilwatch \d+\.\d+\.\d+/);
  });
});
