import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDomainsCsv, parseJa4Csv } from '../../src/intel/domain-loader.js';
import { checkRule, createDomainSet, type DomainLabel } from '../../src/intel/domain-set.js';
import { defaultIntelDir } from '../../src/intel/paths.js';

const label = (service: string, role: DomainLabel['role'] = 'upload'): DomainLabel => ({ provider: service, service, category: 'cloud-storage', role });

describe('DomainSet suffix matching', () => {
  const set = createDomainSet([
    ['userstorage.mega.co.nz', label('MEGA upload')],
    ['mega.co.nz', label('MEGA web', 'web')],
    ['s3.{region}.amazonaws.com', label('AWS S3')],
    ['s3-{region}.amazonaws.com', label('AWS S3 legacy')],
    ['s3-website-{region}.amazonaws.com', label('AWS S3 website', 'web')],
    ['s3-external-1.amazonaws.com', { ...label('AWS S3 external'), region: 'us-east-1' }],
    ['amazonaws.com', label('AWS', 'api')],
  ]);

  it('matches the suffix itself and names below it', () => {
    expect(set.match('userstorage.mega.co.nz')?.service).toBe('MEGA upload');
    expect(set.match('gfs270n071.userstorage.mega.co.nz')?.service).toBe('MEGA upload');
    expect(set.match('g.api.mega.co.nz')?.service).toBe('MEGA web');
  });
  it('only on label boundaries: xuserstorage.mega.co.nz is not userstorage.mega.co.nz', () => {
    const m = set.match('gfs1.xuserstorage.mega.co.nz');
    expect(m?.rule).toBe('mega.co.nz');
    expect(set.match('notmega.co.nz')).toBeUndefined();
    expect(set.match('mega.co.nz.evil.example')).toBeUndefined();
  });
  it('ignores case and one trailing dot', () => {
    expect(set.match('GFS1N2.UserStorage.MEGA.co.NZ.')?.service).toBe('MEGA upload');
    expect(set.match('mega.co.nz..')).toBeUndefined();
  });
  it('captures the region of a placeholder rule and prefers exact labels', () => {
    expect(set.match('bucket.s3.us-east-1.amazonaws.com')).toMatchObject({ service: 'AWS S3', region: 'us-east-1', rule: 's3.{region}.amazonaws.com' });
    expect(set.match('s3.eu-west-1.amazonaws.com')).toMatchObject({ region: 'eu-west-1' });
    expect(set.match('bucket.s3-us-west-2.amazonaws.com')).toMatchObject({ service: 'AWS S3 legacy', region: 'us-west-2' });
    expect(set.match('bucket.s3-website-us-west-2.amazonaws.com')).toMatchObject({ service: 'AWS S3 website', region: 'us-west-2' });
    expect(set.match('bucket.s3-external-1.amazonaws.com')).toMatchObject({ service: 'AWS S3 external', region: 'us-east-1' });
    expect(set.match('ec2-1-2-3-4.compute-1.amazonaws.com')).toMatchObject({ service: 'AWS' });
    expect(set.match('ec2-1-2-3-4.compute-1.amazonaws.com')?.region).toBeUndefined();
  });
  it('answers undefined for malformed names', () => {
    expect(set.match('')).toBeUndefined();
    expect(set.match('.')).toBeUndefined();
    expect(set.match('a..mega.co.nz')).toBeUndefined();
    expect(set.match(`${'a'.repeat(64)}.mega.co.nz`)).toBeUndefined();
    expect(set.match(`${'a.'.repeat(130)}mega.co.nz`)).toBeUndefined();
  });
  it('checks rules', () => {
    expect(checkRule('com')).toMatch(/two labels/);
    expect(checkRule('{region}.{region}.x.com')).toMatch(/at most one/);
    expect(checkRule('a b.com')).toMatch(/bad label/);
    expect(checkRule('s3.{region}.amazonaws.com')).toBeUndefined();
  });
});

describe('shipped intel/domains.csv', async () => {
  const file = join(defaultIntelDir(), 'domains.csv');
  const loaded = parseDomainsCsv(await readFile(file, 'utf8'), file);
  it('loads', () => expect(loaded.ok).toBe(true));
  const set = loaded.ok ? loaded.value : createDomainSet([]);
  it('labels the MEGA upload, API and S4 hosts', () => {
    expect(set.match('gfs302n203.userstorage.mega.co.nz')).toMatchObject({ provider: 'MEGA', role: 'upload', category: 'cloud-storage' });
    expect(set.match('g.api.mega.co.nz')).toMatchObject({ provider: 'MEGA', role: 'api' });
    expect(set.match('reqstat.api.mega.co.nz')).toMatchObject({ provider: 'MEGA', role: 'api' });
    expect(set.match('mega.nz')).toMatchObject({ provider: 'MEGA', role: 'web' });
    expect(set.match('s3.eu-amsterdam-1.megas4.com')).toMatchObject({ service: 'MEGA S4', region: 'eu-amsterdam-1' });
  });
  it('labels S3 and other storage providers', () => {
    expect(set.match('bucket.s3.us-east-1.amazonaws.com')).toMatchObject({ service: 'AWS S3', region: 'us-east-1', role: 'upload' });
    expect(set.match('bucket.s3.amazonaws.com')).toMatchObject({ service: 'AWS S3', region: 'us-east-1' });
    expect(set.match('content.dropboxapi.com')).toMatchObject({ provider: 'Dropbox', role: 'upload' });
    expect(set.match('storage.googleapis.com')).toMatchObject({ provider: 'Google', service: 'Google Cloud Storage' });
    expect(set.match('contoso-my.sharepoint.com')).toMatchObject({ provider: 'Microsoft' });
    expect(set.match('f004.backblazeb2.com')).toMatchObject({ provider: 'Backblaze' });
    expect(set.match('bucket.nyc3.digitaloceanspaces.com')).toMatchObject({ provider: 'DigitalOcean', region: 'nyc3' });
    expect(set.match('acct.r2.cloudflarestorage.com')).toMatchObject({ service: 'Cloudflare R2' });
    expect(set.match('pastebin.com')).toMatchObject({ category: 'paste' });
    expect(set.match('example.com')).toBeUndefined();
  });
});

describe('domains.csv and ja4.csv loaders', () => {
  const head = 'suffix,provider,service,category,role,region,source,date,verified\n';
  it('name the file and line of a bad row', () => {
    expect(parseDomainsCsv(`${head}a.com,A,A,cloud-storage,upload,,s,d,v\nb.com,B,B,storage,upload,,s,d,v\n`, 'd.csv')).toEqual({ ok: false, error: expect.stringMatching(/^d\.csv:3: category 'storage' is not one of/) });
    expect(parseDomainsCsv(`${head}a.com,A,A,cloud-storage,download,,s,d,v\n`, 'd.csv')).toEqual({ ok: false, error: expect.stringMatching(/^d\.csv:2: role 'download'/) });
    expect(parseDomainsCsv(`${head}a..com,A,A,cloud-storage,upload,,s,d,v\n`, 'd.csv')).toEqual({ ok: false, error: expect.stringMatching(/^d\.csv:2: not a domain suffix/) });
    expect(parseDomainsCsv(`${head}a.com,A,A,paste,web,,s,d,v\nA.com.,A,A,paste,web,,s,d,v\n`, 'd.csv')).toEqual({ ok: false, error: 'd.csv:3: suffix a.com already given on line 2' });
  });
  it('read JA4 fingerprints and reject malformed ones', () => {
    const h = 'ja4,label,source,date,verified\n';
    const r = parseJa4Csv(`${h}t13d190900_9dc949149365_97f8aa674fd9,Go,s,d,v\n`, 'j.csv');
    expect(r.ok && r.value.get('t13d190900_9dc949149365_97f8aa674fd9')?.label).toBe('Go');
    expect(parseJa4Csv(`${h}t13d_bad,Go,s,d,v\n`, 'j.csv')).toEqual({ ok: false, error: "j.csv:2: not a JA4 fingerprint: 't13d_bad'" });
  });
});
