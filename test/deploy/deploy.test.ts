/**
 * The Dockerfile and the systemd unit, checked for the properties the deployment relies on. No Docker
 * engine runs here and hadolint is not packaged for Debian 12, so this test is the lint; the systemd unit
 * is also checked by `systemd-analyze verify` when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/live-cli.js';

interface Instr { readonly op: string; readonly args: string; readonly stage: number }

// Joins continuation lines, drops comments; each instruction keeps the index of its build stage.
function parseDockerfile(text: string): Instr[] {
  const out: Instr[] = [];
  let stage = -1;
  let buf = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (buf === '' && (line === '' || line.startsWith('#'))) continue;
    buf += (buf === '' ? '' : ' ') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(buf);
    buf = '';
    if (!m) continue;
    const op = m[1]!.toUpperCase();
    if (op === 'FROM') stage++;
    out.push({ op, args: m[2]!, stage });
  }
  return out;
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const all = (op: string, stage?: number): Instr[] => dockerfile.filter((i) => i.op === op && (stage === undefined || i.stage === stage));
const last = (op: string): Instr | undefined => all(op).at(-1);

describe('Dockerfile', () => {
  it('is a two-stage build on the official Node 20 bookworm-slim image', () => {
    expect(all('FROM').map((i) => i.args)).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim']);
  });

  it('builds with libpcap-dev and a toolchain, and ships only libpcap0.8 at run time', () => {
    const buildRuns = all('RUN', 0).map((i) => i.args).join('\n');
    expect(buildRuns).toMatch(/apt-get install[^\n]*libpcap-dev/);
    expect(buildRuns).toMatch(/apt-get install[^\n]*g\+\+/);
    expect(buildRuns).toMatch(/npm rebuild pcap\b/);
    const runtime = all('RUN', 1).map((i) => i.args).join('\n');
    expect(runtime).toMatch(/apt-get install[^\n]*libpcap0\.8/);
    expect(runtime).not.toMatch(/libpcap-dev|g\+\+|\bmake\b|python3/);
    for (const r of all('RUN').filter((i) => i.args.includes('apt-get install'))) {
      expect(r.args).toMatch(/--no-install-recommends/);
      expect(r.args).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    }
  });

  it('grants only CAP_NET_RAW and CAP_NET_ADMIN, to a copy of node, and runs as a non-root user', () => {
    const setcaps = all('RUN', 1).flatMap((i) => [...i.args.matchAll(/setcap\s+(\S+)\s+(\S+)/g)]);
    expect(setcaps.map((m) => [m[1], m[2]])).toEqual([['cap_net_raw,cap_net_admin+ep', '/usr/local/bin/exfilwatch-node']]);
    const user = last('USER');
    expect(user?.stage).toBe(1);
    expect(user?.args).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before the entrypoint so nothing after it runs as root
    expect(dockerfile.indexOf(user as Instr)).toBeLessThan(dockerfile.indexOf(last('ENTRYPOINT') as Instr));
  });

  it('has ENTRYPOINT exfilwatch, a /healthz healthcheck and volumes for config and intel/state', () => {
    expect(JSON.parse(last('ENTRYPOINT')?.args ?? 'null')).toEqual(['exfilwatch']);
    const cmd = JSON.parse(last('CMD')?.args ?? 'null') as string[];
    expect(cmd[0]).toBe('live');
    expect(cmd).toContain('--metrics');
    const hc = last('HEALTHCHECK')?.args ?? '';
    expect(hc).toMatch(/CMD \[.*\/healthz/);
    expect(hc).toContain(cmd[cmd.indexOf('--metrics') + 1]!);
    expect(JSON.parse(last('VOLUME')?.args ?? '[]')).toEqual(expect.arrayContaining(['/etc/exfilwatch', '/var/lib/exfilwatch']));
  });

  it('copies only files that exist, and .dockerignore keeps node_modules, dist and .git out of the context', () => {
    for (const c of all('COPY', 0)) {
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) expect(existsSync(join(ROOT, src)), src).toBe(true);
    }
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
    for (const needed of ['src', 'bin', 'intel', 'package.json', 'package-lock.json', 'tsconfig.json']) expect(ignore).not.toContain(needed);
  });
});

describe('deploy/exfilwatch.service', () => {
  const unit = readFileSync(join(ROOT, 'deploy/exfilwatch.service'), 'utf8');
  const directive = (k: string): string | undefined => new RegExp(`^${k}=(.*)$`, 'm').exec(unit)?.[1];

  it('has the hardening: two capabilities, no new privileges, read-only system', () => {
    expect(directive('AmbientCapabilities')).toBe('CAP_NET_RAW CAP_NET_ADMIN');
    expect(directive('CapabilityBoundingSet')).toBe('CAP_NET_RAW CAP_NET_ADMIN');
    expect(directive('NoNewPrivileges')).toBe('yes');
    expect(directive('ProtectSystem')).toBe('strict');
    expect(directive('ProtectHome')).toBe('yes');
    expect(directive('PrivateTmp')).toBe('yes');
    expect(directive('User')).toBe('exfilwatch');
    expect(directive('RestrictAddressFamilies')).toContain('AF_PACKET');
    expect(directive('ExecReload')).toMatch(/kill -HUP \$MAINPID/);
    expect(directive('ExecStart')).toMatch(/exfilwatch\.js live --interface \S+/);
  });

  const verify = spawnSync('systemd-analyze', ['--version']);
  it.skipIf(verify.status !== 0)('passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy/exfilwatch.service')], { encoding: 'utf8' });
    expect(r.stderr.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});
