import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import { createIntel, type Intel } from '../../src/intel/intel.js';
import { defaultIntelDir } from '../../src/intel/paths.js';
import { tempDir, writeTestAsnDb } from './helpers.js';

async function intelOf(opts: Parameters<typeof createIntel>[0] = {}): Promise<Intel> {
  const r = await createIntel(opts);
  if (!r.ok) throw new Error(r.error);
  return r.intel;
}

async function copyOfShippedIntel(): Promise<string> {
  const dir = await tempDir();
  await cp(defaultIntelDir(), dir, { recursive: true });
  return dir;
}

describe('createIntel with the embedded defaults (no flags)', async () => {
  const intel = await intelOf();
  it('enriches a MEGA storage node as AS205809 / MEGA', () => {
    expect(intel.enrich('185.206.25.7', 'gfs270n071.userstorage.mega.co.nz.')).toEqual({
      asNumber: 205809,
      asOrganization: 'Mega Limited',
      domain: 'gfs270n071.userstorage.mega.co.nz',
      provider: 'MEGA',
      service: 'MEGA',
      category: 'cloud-storage',
    });
    expect(intel.enrich('185.206.25.7')).toMatchObject({ asNumber: 205809, provider: 'MEGA' });
  });
  it('enriches an S3 address as AWS S3 with its region, by range alone', () => {
    expect(intel.enrich('52.217.4.1')).toEqual({
      asNumber: 16509,
      asOrganization: 'Amazon.com, Inc.',
      provider: 'AWS',
      service: 'AWS S3',
      category: 'cloud-storage',
      region: 'us-east-1',
    });
  });
  it('lets a specific domain label win over the range, and a range win over a generic domain', () => {
    expect(intel.enrich('198.51.100.1', 'bucket.s3.eu-west-3.amazonaws.com')).toMatchObject({ service: 'AWS S3', region: 'eu-west-3' });
    expect(intel.enrich('52.217.4.1', 'ec2-52-217-4-1.compute-1.amazonaws.com')).toMatchObject({ service: 'AWS S3', region: 'us-east-1' });
  });
  it('leaves unknown destinations bare, and counts a malformed domain', async () => {
    const counters = createCounters();
    const i = await intelOf({ counters });
    expect(i.enrich('192.0.2.1')).toEqual({});
    expect(i.enrich('192.0.2.1', 'a..b')).toEqual({});
    expect(counters.get('intel.bad_domain')).toBe(1);
  });
  it('answers direction, zone, JA4 and allowlist questions', async () => {
    expect(intel.direction('172.17.0.2', '185.206.24.1')).toBe('outbound');
    expect(intel.zoneOf('172.17.0.2')).toBe('containers');
    expect(intel.ja4('T13D190900_9DC949149365_97F8AA674FD9')?.label).toMatch(/Go/);
    const i = await intelOf({ allowlist: [{ id: 'backup', source: ['10.0.5.20'], destination: { providers: ['AWS S3'] } }] });
    const dest = i.enrich('52.217.4.1');
    expect(i.allowlisted('10.0.5.20', { ip: '52.217.4.1', ...dest }, 0)?.id).toBe('backup');
    expect(i.allowlist.entries).toHaveLength(1);
  });
});

describe('a user .mmdb', () => {
  it('wins over the embedded default, which still answers where the user db has nothing', async () => {
    const dir = await tempDir();
    const path = await writeTestAsnDb(dir, 'user-asn.mmdb', [['185.206.24.0/24', 64999, 'Hosting Partner']], 'GeoLite2-ASN');
    const intel = await intelOf({ asnDbPath: path });
    expect(intel.enrich('185.206.24.9')).toMatchObject({ asNumber: 64999, asOrganization: 'Hosting Partner' });
    expect(intel.asn('185.206.24.9')).toMatchObject({ from: 'user', asNumber: 64999 });
    expect(intel.asn('185.206.25.9')).toMatchObject({ from: 'embedded', asNumber: 205809 });
    const report = intel.reportIp('185.206.24.9');
    expect(report.userAsn?.asNumber).toBe(64999);
    expect(report.embeddedAsn?.asNumber).toBe(205809);
  });
  it('that is missing or not an ASN db stops start-up with a clear message', async () => {
    expect(await createIntel({ asnDbPath: '/nope/GeoLite2-ASN.mmdb' })).toEqual({ ok: false, error: 'ASN database /nope/GeoLite2-ASN.mmdb: file not found' });
    const dir = await tempDir();
    const city = await writeTestAsnDb(dir, 'city.mmdb', [['10.0.0.0/8', 1, 'x']], 'GeoLite2-City');
    expect(await createIntel({ asnDbPath: city })).toMatchObject({ ok: false, error: expect.stringMatching(/not an ASN database/) });
  });
});

describe('start-up errors', () => {
  it('name the config file and entry for allowlist and networks', async () => {
    expect(await createIntel({ configFile: 'x.yaml', allowlist: [{ id: 'a' }] })).toEqual({ ok: false, error: "x.yaml: allowlist[0] (id 'a'): needs a source, a destination or both" });
    expect(await createIntel({ configFile: 'x.yaml', localNets: ['nope'] })).toEqual({ ok: false, error: "x.yaml: local_nets[0]: not a valid IP prefix: 'nope'" });
  });
  it('name the intel file and line', async () => {
    const dir = await copyOfShippedIntel();
    await writeFile(join(dir, 'domains.csv'), 'suffix,provider,service,category,role,region,source,date,verified\nmega.nz,MEGA,MEGA,cloudy,web,,s,d,v\n');
    expect(await createIntel({ intelDir: dir })).toMatchObject({ ok: false, error: `${join(dir, 'domains.csv')}:2: category 'cloudy' is not one of cloud-storage, file-sharing, paste, cloud, cdn` });
  });
});

describe('reload (SIGHUP)', () => {
  it('picks up changed files, and keeps the old data when a file turns bad', async () => {
    const dir = await copyOfShippedIntel();
    const intel = await intelOf({ intelDir: dir });
    expect(intel.classifyDomain('drop.example.net')).toBeUndefined();
    await writeFile(join(dir, 'domains.csv'), 'suffix,provider,service,category,role,region,source,date,verified\nexample.net,Ex,Ex,file-sharing,upload,,s,d,v\n');
    expect(await intel.reload()).toEqual({ ok: true });
    expect(intel.classifyDomain('drop.example.net')?.provider).toBe('Ex');
    await writeFile(join(dir, 'aws-ip-ranges.json'), '{"prefixes": [{"ip_prefix": "1.2.3.0/33", "service": "S3"}]}');
    const r = await intel.reload();
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/keeping the previous intel: .*aws-ip-ranges\.json:1: prefixes\[0\]/) });
    expect(intel.classifyDomain('drop.example.net')?.provider).toBe('Ex');
    expect(intel.enrich('52.217.4.1').service).toBe('AWS S3');
  });
  it('applies a new allowlist, or keeps the old one when the new one is bad', async () => {
    const intel = await intelOf({ allowlist: [{ id: 'one', source: ['10.0.0.1'] }] });
    expect((await intel.reload({ allowlist: [{ id: 'two', source: ['10.0.0.2'] }] })).ok).toBe(true);
    expect(intel.allowlisted('10.0.0.2', { ip: '1.1.1.1' }, 0)?.id).toBe('two');
    expect((await intel.reload({ allowlist: [{ id: 'three', source: ['bad'] }] })).ok).toBe(false);
    expect(intel.allowlisted('10.0.0.2', { ip: '1.1.1.1' }, 0)?.id).toBe('two');
  });
});
