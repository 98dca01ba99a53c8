import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIntelCommand } from '../../src/intel/command.js';
import { defaultIntelDir } from '../../src/intel/paths.js';
import { tempDir, writeTestAsnDb } from './helpers.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runIntelCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('exfilwatch intel lookup', () => {
  it('prints what every source says about an address, as JSON', async () => {
    const dir = await tempDir();
    const user = await writeTestAsnDb(dir, 'u.mmdb', [['52.216.0.0/16', 64777, 'User View']], 'GeoLite2-ASN');
    const r = await run(['lookup', '--json', '--asn-db', user, '52.216.1.1']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      ip: '52.216.1.1',
      userAsn: { asNumber: 64777 },
      embeddedAsn: { asNumber: 16509, network: '52.216.0.0/15' },
      range: { prefix: '52.216.0.0/15', service: 'AWS S3', region: 'us-east-1' },
      local: false,
      enrich: { asNumber: 64777, service: 'AWS S3' },
    });
  });
  it('prints readable text for names and addresses', async () => {
    const r = await run(['lookup', 'gfs1n1.userstorage.mega.co.nz', '10.0.0.1', 'nothing.example']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/name: gfs1n1\.userstorage\.mega\.co\.nz\ndomain:\n {2}provider: MEGA/);
    expect(r.out).toMatch(/role: upload/);
    expect(r.out).toMatch(/ip: 10\.0\.0\.1\nlocal: true/);
    expect(r.out).toMatch(/name: nothing\.example\n\(no rule matches\)/);
  });
  it('fails with one line for a bad database and prints usage for bad arguments', async () => {
    expect(await run(['lookup', '--asn-db', '/nope.mmdb', '1.2.3.4'])).toEqual({ code: 1, out: '', err: 'exfilwatch intel: ASN database /nope.mmdb: file not found\n' });
    expect((await run(['lookup'])).code).toBe(2);
    expect((await run(['frobnicate', 'x'])).code).toBe(2);
    expect(await run(['lookup', '--bogus'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown option --bogus/) });
  });
});

describe('exfilwatch intel import-aws', () => {
  it('validates and replaces aws-ip-ranges.json', async () => {
    const dir = await tempDir();
    await cp(defaultIntelDir(), dir, { recursive: true });
    const file = join(dir, 'download.json');
    const text = JSON.stringify({ syncToken: '9', createDate: '2025-02-03-04-05-06', prefixes: [{ ip_prefix: '3.5.0.0/19', region: 'us-east-1', service: 'S3' }, { ip_prefix: '3.0.0.0/9', region: 'us-east-1', service: 'AMAZON' }], ipv6_prefixes: [] });
    await writeFile(file, text);
    const r = await run(['import-aws', file, '--intel-dir', dir]);
    expect(r).toEqual({ code: 0, err: '', out: `imported 2 AWS prefixes (createDate 2025-02-03-04-05-06), 1 of them S3, into ${join(dir, 'aws-ip-ranges.json')}\n` });
    expect(await readFile(join(dir, 'aws-ip-ranges.json'), 'utf8')).toBe(text);
    const look = await run(['lookup', '--json', '--intel-dir', dir, '52.217.1.1']);
    expect(JSON.parse(look.out)).not.toHaveProperty('range');
  });
  it('refuses a bad or empty file and leaves the old one in place', async () => {
    const dir = await tempDir();
    await cp(defaultIntelDir(), dir, { recursive: true });
    const before = await readFile(join(dir, 'aws-ip-ranges.json'), 'utf8');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"prefixes": [{"ip_prefix": "3.5.0.0/40", "service": "S3"}]}');
    expect(await run(['import-aws', bad, '--intel-dir', dir])).toMatchObject({ code: 1, err: expect.stringMatching(/bad\.json:1: prefixes\[0\]: ip_prefix '3\.5\.0\.0\/40'/) });
    await writeFile(bad, '{"prefixes": []}');
    expect(await run(['import-aws', bad, '--intel-dir', dir])).toMatchObject({ code: 1, err: expect.stringMatching(/no prefixes/) });
    expect(await run(['import-aws', join(dir, 'missing.json'), '--intel-dir', dir])).toMatchObject({ code: 1, err: expect.stringMatching(/cannot read/) });
    expect(await readFile(join(dir, 'aws-ip-ranges.json'), 'utf8')).toBe(before);
  });
});
