/**
 * The sample captures, checked with the real tshark: per-flow packets and bytes, DNS names, SNIs,
 * HTTP requests and FTP commands agree with each expected.json; no malformed packets, no error-level
 * expert info, no TCP analysis flags; two runs write identical bytes.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateAll } from '../../pcaps/generate.js';
import type { ExpectedCapture } from '../../pcaps/gen/expected.js';
import { SCENARIOS } from '../../pcaps/gen/scenarios.js';
import { flowKey, summarize } from './tshark-summary.js';

const SLOW = 600_000; // tshark over ~150k frames on a loaded 2-core machine
let dirA = '';
let dirB = '';

const expectedOf = (file: string): ExpectedCapture =>
  JSON.parse(readFileSync(join(dirA, `${file.replace(/\.pcap(ng)?$/, '')}.expected.json`), 'utf8')) as ExpectedCapture;

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

beforeAll(async () => {
  dirA = mkdtempSync(join(tmpdir(), 'pcaps-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'pcaps-b-'));
  await generateAll(dirA);
  await generateAll(dirB);
}, SLOW);

afterAll(() => {
  rmSync(dirA, { recursive: true, force: true });
  rmSync(dirB, { recursive: true, force: true });
});

describe('generateAll', () => {
  test('writes every capture and its expected.json, byte-identical across two runs', () => {
    const files = readdirSync(dirA).sort();
    expect(files).toEqual(readdirSync(dirB).sort());
    expect(files.filter((f) => !f.endsWith('.json'))).toEqual(SCENARIOS.map((s) => s.file).sort());
    expect(files.filter((f) => f.endsWith('.expected.json'))).toHaveLength(SCENARIOS.length);
    for (const f of files) expect(readFileSync(join(dirA, f)).equals(readFileSync(join(dirB, f))), f).toBe(true);
  });

  test('keeps the whole set to tens of MB', () => {
    const total = readdirSync(dirA).reduce((n, f) => n + readFileSync(join(dirA, f)).length, 0);
    expect(total).toBeLessThan(80 * 1024 * 1024);
  });
});

describe('scenario claims hold in the counted flows', () => {
  const out = (e: ExpectedCapture, src: string): number => e.flows.filter((f) => f.origIp === src).reduce((n, f) => n + f.origBytes, 0);

  test('rclone to MEGA passes the 100 MB tier over cleartext POSTs with the rclone agent', () => {
    const e = expectedOf('mega-upload-rclone.pcap');
    expect(e.alerts[0]?.bytesOut).toBeGreaterThan(100e6);
    expect(e.http.length).toBeGreaterThan(100);
    expect(new Set(e.http.map((h) => `${h.method} ${h.userAgent} ${h.serverPort}`))).toEqual(new Set(['POST rclone/v1.66.0 80']));
    expect(e.http.every((h) => /^\/ul\/[\w-]+\/\d+$/.test(h.target) && h.host.endsWith('.userstorage.mega.co.nz'))).toBe(true);
    expect(e.tls.map((t) => t.sni)).toEqual(['g.api.mega.co.nz']);
  });

  test('low-and-slow keeps every flow under 5 MB and the sum over 50 MB', () => {
    const e = expectedOf('low-and-slow.pcap');
    const tcp = e.flows.filter((f) => f.transport === 'tcp');
    expect(tcp).toHaveLength(60);
    expect(Math.max(...tcp.map((f) => f.origBytes))).toBeLessThan(5e6);
    expect(out(e, '10.20.30.77')).toBeGreaterThan(50e6);
    expect((e.end - e.start) / 60e6).toBeGreaterThan(45);
  });

  test('the download is download-dominant and quiet', () => {
    const e = expectedOf('mega-download.pcap');
    const inBytes = e.flows.reduce((n, f) => n + f.respBytes, 0);
    expect(inBytes).toBeGreaterThan(80e6);
    expect(out(e, '10.20.30.41')).toBeLessThan(inBytes / 20);
    expect(e.alerts).toEqual([]);
  });

  test('the no-DNS upload has neither DNS nor SNI', () => {
    const e = expectedOf('mega-upload-nodns.pcap');
    expect(e.dns).toEqual([]);
    expect(e.tls.every((t) => t.sni === undefined)).toBe(true);
    expect(e.flows.filter((f) => f.transport === 'tcp')).toHaveLength(4);
  });

  test('the allowlisted backup expects no alert but one suppressed at 02:00', () => {
    const e = expectedOf('backup-s3-allowlisted.pcap');
    expect(e.alerts).toEqual([]);
    expect(e.suppressed?.[0]?.allowlist).toEqual({ sourceIp: '10.0.5.20', service: 'aws-s3' });
    expect(new Date(e.start / 1000).toISOString()).toBe('2026-11-02T02:00:00.000Z');
  });

  test('the truncated file records where the cut record starts', () => {
    const e = expectedOf('truncated.pcap');
    const bytes = readFileSync(join(dirA, 'truncated.pcap'));
    expect(e.truncation?.fileBytes).toBe(bytes.length);
    expect(e.packets).toBe(e.truncation?.completePackets);
    const at = e.truncation?.cutRecordOffset ?? 0;
    expect(at + 16).toBeLessThan(bytes.length);
    expect(bytes.readUInt32LE(at + 8)).toBeGreaterThan(bytes.length - at - 16); // incl_len runs past the end
  });
});

describe.each(SCENARIOS.map((s) => s.file))('%s read by tshark', (file) => {
  test('matches expected.json', async () => {
    const e = expectedOf(file);
    const t = await summarize(join(dirA, file));
    expect(t.frames).toBe(e.packets);
    expect(t.malformed).toBe(0);
    expect(t.errors).toBe(0);
    expect(t.analysisFlags).toBe(e.expectedTcpAnalysisFlags);
    if (e.truncation) expect(t.stderr).toMatch(/cut short in the middle of a packet/);

    expect(t.flows.size).toBe(e.flows.length);
    for (const f of e.flows) {
      const got = t.flows.get(flowKey(f.interfaceId, f.transport, f.origIp, f.origPort, f.respIp, f.respPort));
      const label = `${f.origIp}:${f.origPort} > ${f.respIp}:${f.respPort}`;
      expect(got, label).toBeDefined();
      expect(got?.key, label).toBe(`${f.origIp}:${f.origPort}>${f.respIp}:${f.respPort}`);
      expect([got?.aPackets, got?.aIpBytes, got?.aFrameBytes], label).toEqual([f.origPackets, f.origBytes, f.origFrameBytes]);
      expect([got?.bPackets, got?.bIpBytes, got?.bFrameBytes], label).toEqual([f.respPackets, f.respBytes, f.respFrameBytes]);
      expect(got?.vlan, label).toBe(f.vlan);
    }
    if (!e.truncation) {
      expect(sorted(t.dnsResponseNames)).toEqual(sorted(e.dns.map((d) => d.name)));
      expect(sorted(t.snis)).toEqual(sorted(e.tls.flatMap((x) => (x.sni === undefined ? [] : [x.sni]))));
      expect(sorted(t.http)).toEqual(sorted(e.http.map((h) => `${h.method} ${h.host} ${h.target}`)));
      expect(sorted(t.userAgents)).toEqual(sorted(e.http.map((h) => h.userAgent)));
      expect(t.ftpCommands).toEqual(e.ftp.map((c) => c.command));
    }
  }, SLOW);
});
