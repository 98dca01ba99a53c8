import { execFileSync } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAsnMmdb, parseAsnPrefixes, parseAsnProviders } from '../../src/intel/asn-source.js';
import { buildEmbeddedMmdb } from '../../src/intel/build-mmdb-cli.js';
import { openAsnDb } from '../../src/intel/asn-db.js';
import { defaultIntelDir } from '../../src/intel/paths.js';
import { tempDir } from './helpers.js';

const intel = defaultIntelDir();

describe('embedded ASN database', () => {
  it('rebuilding intel/asn-prefixes.csv gives the committed intel/embedded-asn.mmdb byte for byte', async () => {
    const csv = await readFile(join(intel, 'asn-prefixes.csv'), 'utf8');
    const rows = parseAsnPrefixes(csv, 'asn-prefixes.csv');
    expect(rows.ok).toBe(true);
    if (!rows.ok) return;
    const committed = await readFile(join(intel, 'embedded-asn.mmdb'));
    expect(buildAsnMmdb(rows.value).equals(committed), 'run: npx tsx src/intel/build-mmdb-cli.ts').toBe(true);
  });

  it('the build entry writes the same file into another folder', async () => {
    const dir = await tempDir();
    await copyFile(join(intel, 'asn-prefixes.csv'), join(dir, 'asn-prefixes.csv'));
    expect(await buildEmbeddedMmdb(dir)).toBeUndefined();
    expect((await readFile(join(dir, 'embedded-asn.mmdb'))).equals(await readFile(join(intel, 'embedded-asn.mmdb')))).toBe(true);
    expect(await buildEmbeddedMmdb(join(dir, 'nope'))).toMatch(/cannot read/);
  });

  it('answers AS205809 / MEGA for a documented MEGA prefix, via maxmind and mmdblookup', async () => {
    const r = await openAsnDb(join(intel, 'embedded-asn.mmdb'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.db.lookup('185.206.25.7')).toEqual({ asNumber: 205809, asOrganization: 'Mega Limited', network: '185.206.24.0/22' });
    expect(r.db.lookup('52.217.1.1')?.asNumber).toBe(16509);
    expect(r.db.lookup('2607:f8b0:4004::1')?.asNumber).toBe(15169);
    expect(r.db.lookup('192.0.2.1')).toBeUndefined();
    const out = execFileSync('mmdblookup', ['--file', join(intel, 'embedded-asn.mmdb'), '--ip', '66.203.126.10'], { encoding: 'utf8' });
    expect(out).toMatch(/205809/);
    expect(out).toMatch(/Mega Limited/);
  });

  it('every source row is marked with its source, date and verification', async () => {
    const rows = parseAsnPrefixes(await readFile(join(intel, 'asn-prefixes.csv'), 'utf8'), 'x');
    expect(rows.ok && rows.value.every((r) => r.verified === 'unverified offline' && /^\d{4}-\d{2}-\d{2}$/.test(r.date))).toBe(true);
    expect(rows.ok && rows.value.filter((r) => r.asn === 205809).length).toBeGreaterThanOrEqual(7);
  });
});

describe('ASN source loaders', () => {
  const head = 'prefix,asn,organization,source,date,verified\n';
  it('name the file and line of a bad row', () => {
    expect(parseAsnPrefixes(`${head}10.0.0.0/8,1,x,s,2024-01-01,v\n10.0.0.0/33,1,x,s,2024-01-01,v\n`, 'f.csv')).toEqual({ ok: false, error: expect.stringMatching(/^f\.csv:3: not a valid IP prefix/) });
    expect(parseAsnPrefixes(`# c\n${head}10.0.0.0/8,AS-x,x,s,2024-01-01,v\n`, 'f.csv')).toEqual({ ok: false, error: expect.stringMatching(/^f\.csv:3: not an AS number/) });
    expect(parseAsnPrefixes(`${head}10.0.0.0/8,1,x,s,01/02/2024,v\n`, 'f.csv')).toEqual({ ok: false, error: expect.stringMatching(/^f\.csv:2: date must be/) });
    expect(parseAsnPrefixes(`${head}10.0.0.0/8,1,x,s,2024-01-01,v\n10.0.0.0/8,2,y,s,2024-01-01,v\n`, 'f.csv')).toEqual({ ok: false, error: 'f.csv:3: prefix 10.0.0.0/8 already given on line 2' });
    expect(parseAsnPrefixes(`${head}10.0.0.0/8,1,"unterminated,s,2024-01-01,v\n`, 'f.csv')).toEqual({ ok: false, error: 'f.csv:2: unterminated quoted field' });
    expect(parseAsnPrefixes('prefix,asn\n', 'f.csv')).toEqual({ ok: false, error: expect.stringMatching(/^f\.csv:1: header lacks column\(s\) organization/) });
    expect(parseAsnPrefixes(`${head}10.0.0.0/8,1,x,s\n`, 'f.csv')).toEqual({ ok: false, error: 'f.csv:2: 4 fields, header has 6' });
  });
  it('reads quoted organisations and AS-prefixed numbers', () => {
    const r = parseAsnPrefixes(`${head}10.0.0.0/8,AS64500,"Example, Inc.",s,2024-01-01,v\n`, 'f.csv');
    expect(r.ok && r.value[0]).toMatchObject({ asn: 64500, organization: 'Example, Inc.', prefix: '10.0.0.0/8' });
  });
  it('reads the provider map and rejects a repeated AS', () => {
    const h = 'asn,provider,service,category,source,date,verified\n';
    const r = parseAsnProviders(`${h}205809,MEGA,MEGA,cloud-storage,s,d,v\n`, 'p.csv');
    expect(r.ok && r.value.get(205809)?.provider).toBe('MEGA');
    expect(parseAsnProviders(`${h}1,A,,,s,d,v\n1,B,,,s,d,v\n`, 'p.csv')).toEqual({ ok: false, error: 'p.csv:3: AS1 listed twice' });
  });
});
