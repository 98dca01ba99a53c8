/**
 * Without the optional `pcap` binding (node_pcap), `exfilwatch live` must fail with one clear line and exit 2.
 * The built CLI is copied next to a node_modules that holds every installed package but pcap (pcap-parser, which replay uses, stays).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/live-cli.js';

describe('exfilwatch live without the pcap binding', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ew-nopcap-'));
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name !== 'pcap' && !name.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says to install libpcap-dev and reinstall, in one line, with exit code 2', () => {
    const script = `import { runLive } from './dist/cli/live.js'; process.exitCode = await runLive(['-i', 'lo'], { stdout: process.stdout, stderr: process.stderr });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^exfilwatch live: .*'pcap'.*libpcap-dev.*npm install/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('still replays a capture file', () => {
    const script = `import { main } from './dist/cli/main.js'; process.exitCode = await main(['replay', '--no-progress', '-q', ${JSON.stringify(join(ROOT, 'pcaps/benign-mix.pcap'))}]);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes('"exfilwatch.flow"')).length).toBeGreaterThan(0);
  });
});
