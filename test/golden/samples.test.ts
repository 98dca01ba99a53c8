import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataset, get, parseLines, PCAPS, runCli, SAMPLE_CONFIG, type Doc } from '../helpers/cli.js';

interface ExpFlow { transport: string; origIp: string; origPort: number; respIp: string; respPort: number; origPackets: number; origBytes: number; respPackets: number; respBytes: number }
interface ExpAlert { technique: string; sourceIp: string }
interface Expected {
  file: string;
  packets: number;
  flows: ExpFlow[];
  dns: { name: string; type: string }[];
  tls: { sni?: string }[];
  http: { method: string; host?: string; target: string; userAgent?: string }[];
  ftp: { command: string; argument?: string }[];
  alerts: ExpAlert[];
  truncatedAt?: number;
}

const samples = readdirSync(PCAPS).filter((f) => f.endsWith('.expected.json')).sort();

const key = (t: string, a: string, ap: number, b: string, bp: number) => `${t} ${a}:${ap} ${b}:${bp}`;
const sorted = (xs: string[]) => [...xs].sort();

describe.each(samples)('sample %s', (name) => {
  const exp = JSON.parse(readFileSync(join(PCAPS, name), 'utf8')) as Expected;
  const run = runCli(['replay', '-c', SAMPLE_CONFIG, '--no-progress', '-q', join(PCAPS, exp.file)]);
  const events = parseLines(run.stdout);
  const truncated = exp.file.startsWith('truncated');

  it('exits cleanly, or names the damaged file and offset in one line', () => {
    if (truncated) {
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/truncated\.pcap: .*offset \d+/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } else {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it('counts every flow as the generator wrote it (packets and IP bytes each way)', () => {
    const seen = new Map<string, Doc>();
    for (const f of dataset(events, 'flow')) {
      seen.set(key(String(get(f, 'network.transport')), String(get(f, 'source.ip')), Number(get(f, 'source.port')), String(get(f, 'destination.ip')), Number(get(f, 'destination.port'))), f);
    }
    expect(seen.size).toBe(exp.flows.length);
    for (const e of exp.flows) {
      const f = seen.get(key(e.transport, e.origIp, e.origPort, e.respIp, e.respPort));
      expect(f, `flow ${key(e.transport, e.origIp, e.origPort, e.respIp, e.respPort)}`).toBeDefined();
      expect([get(f!, 'source.packets'), get(f!, 'source.bytes'), get(f!, 'destination.packets'), get(f!, 'destination.bytes')])
        .toEqual([e.origPackets, e.origBytes, e.respPackets, e.respBytes]);
    }
  });

  it('sees the DNS, TLS, HTTP and FTP the generator wrote', () => {
    expect(sorted(dataset(events, 'dns').map((d) => `${String(get(d, 'dns.question.name'))} ${String(get(d, 'dns.question.type'))}`)))
      .toEqual(sorted(exp.dns.map((d) => `${d.name} ${d.type}`)));
    expect(sorted(dataset(events, 'tls').map((t) => String(get(t, 'tls.client.server_name') ?? '-'))))
      .toEqual(sorted(exp.tls.map((t) => t.sni ?? '-')));
    expect(sorted(dataset(events, 'http').map((h) => `${String(get(h, 'http.request.method'))} ${String(get(h, 'url.domain'))} ${String(get(h, 'url.original'))}`)))
      .toEqual(sorted(exp.http.map((h) => `${h.method} ${String(h.host?.replace(/:\d+$/, ''))} ${h.target}`)));
    expect(sorted(dataset(events, 'ftp').map((c) => `${String(get(c, 'ftp.command'))} ${String(get(c, 'ftp.arg'))}`)))
      .toEqual(sorted(exp.ftp.map((c) => `${c.command} ${c.argument ?? ''}`)));
  });

  it('raises exactly the expected exfiltration alerts (and stays quiet where it must)', () => {
    const alerts = dataset(events, 'alert').filter((a) => get(a, 'rule.id') !== 'EXF-1002');
    const got = new Set(alerts.map((a) => `${String((get(a, 'threat.technique.id') as string[])[0])} ${String(get(a, 'source.ip'))}`));
    expect([...got].sort()).toEqual([...new Set(exp.alerts.map((a) => `${a.technique} ${a.sourceIp}`))].sort());
    // One alert per band climbed and one summary: never one per flow.
    const flows = dataset(events, 'flow').length;
    if (alerts.length > 0) expect(alerts.length).toBeLessThanOrEqual(Math.min(5, flows + 1));
    for (const a of alerts) expect(String(get(a, 'event.reason'))).toMatch(/^\S+( \(\w+\))? sent \d/);
  });

  it('matches the committed baseline', async () => {
    await expect(run.stdout).toMatchFileSnapshot(`./baseline/${exp.file}.jsonl`);
  });
});
