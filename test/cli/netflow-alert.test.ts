import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dataset, get, parseLines, PCAPS, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-netflow-'));

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
  const port = s.address().port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

/** Runs `exfilwatch netflow --listen` and feeds it softflowd's export of a capture; returns its events. */
async function collect(pcap: string, version: string): Promise<{ events: Record<string, unknown>[]; stderr: string; code: number | null }> {
  const port = await freeUdpPort();
  const child = spawn(process.execPath, [join(ROOT, 'bin/exfilwatch.js'), 'netflow', '--listen', `udp://127.0.0.1:${port}`, '-q'], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Wait until the listener says it is up (bounded).
  for (let i = 0; i < 200 && !stderr.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
  expect(stderr).toContain('listening on');
  await run('softflowd', ['-r', pcap, '-n', `127.0.0.1:${port}`, '-v', version, '-d', '-c', 'none', '-p', join(dir, `${version}.pid`)], { timeout: 120_000 });
  await new Promise((r) => setTimeout(r, 500));
  const code = await new Promise<number | null>((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
  return { events: parseLines(stdout), stderr, code };
}

describe('exfilwatch netflow with a real exporter (softflowd)', () => {
  it.each(['5', '9', '10'])('NetFlow v%s export of the MEGA upload raises the same MEGA alert as the packet path', async (version) => {
    const { events, code } = await collect(join(PCAPS, 'mega-upload-rclone.pcap'), version);
    expect(code).toBe(0);
    const alerts = dataset(events, 'alert').filter((a) => get(a, 'rule.id') === 'EXF-1001');
    expect(alerts.length).toBeGreaterThan(0);
    const last = alerts.at(-1)!;
    expect(get(last, 'source.ip')).toBe('10.20.30.41');
    expect(get(last, 'exfilwatch.destination.service')).toBe('MEGA');
    expect((get(last, 'threat.technique.id') as string[])[0]).toBe('T1567.002');
    expect(Number(get(last, 'source.bytes'))).toBeGreaterThan(100e6);
    // Flows carry the destination's ASN, and durations from the records' own start and end times
    // (softflowd -r stamps its export headers with the wall clock, so absolute times are not the capture's).
    const flows = dataset(events, 'flow').filter((f) => get(f, 'destination.as.number') === 205809);
    expect(flows.length).toBeGreaterThanOrEqual(4);
    expect(flows.every((f) => get(f, 'flow.origin') === 'netflow' && Number(get(f, 'event.duration')) < 60e9)).toBe(true);
  });

  it('SIGHUP reloads the config: a bad file keeps the old settings and the collector runs on', async () => {
    const cfg = join(dir, 'reload.yaml');
    writeFileSync(cfg, 'allowlist: []\n');
    const port = await freeUdpPort();
    const child = spawn(process.execPath, [join(ROOT, 'bin/exfilwatch.js'), 'netflow', '-c', cfg, '--listen', `udp://127.0.0.1:${port}`, '-q'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !stderr.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain(text);
    };
    await waitFor('listening on');
    child.kill('SIGHUP');
    await waitFor('SIGHUP: intel and config reloaded');
    writeFileSync(cfg, 'allowlist:\n  - { id: x, source: [not-an-address] }\n');
    child.kill('SIGHUP');
    await waitFor('SIGHUP: reload failed, keeping the old settings');
    const code = await new Promise<number | null>((resolve) => { child.on('exit', resolve); child.kill('SIGTERM'); });
    expect(code).toBe(0);
  });
});

