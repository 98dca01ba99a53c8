import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import { openAsnDb } from '../../src/intel/asn-db.js';
import { tempDir, writeTestAsnDb } from './helpers.js';

describe('openAsnDb', () => {
  it('fails clearly when the file is missing', async () => {
    expect(await openAsnDb('/nonexistent/GeoLite2-ASN.mmdb')).toEqual({ ok: false, error: 'ASN database /nonexistent/GeoLite2-ASN.mmdb: file not found' });
  });

  it('fails clearly for a file that is not a MaxMind DB, or is gzipped, or is a folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'junk.mmdb'), 'this is not a database');
    expect(await openAsnDb(join(dir, 'junk.mmdb'))).toEqual({ ok: false, error: expect.stringMatching(/junk\.mmdb: not a MaxMind DB file/) });
    await writeFile(join(dir, 'x.mmdb.gz'), gzipSync(Buffer.from('x')));
    expect(await openAsnDb(join(dir, 'x.mmdb.gz'))).toEqual({ ok: false, error: expect.stringMatching(/gzip-compressed/) });
    expect(await openAsnDb(dir)).toEqual({ ok: false, error: expect.stringMatching(/not a file/) });
  });

  it('refuses a MaxMind DB that is not an ASN database', async () => {
    const dir = await tempDir();
    const path = await writeTestAsnDb(dir, 'city.mmdb', [['10.0.0.0/8', 1, 'x']], 'GeoLite2-City');
    expect(await openAsnDb(path)).toEqual({ ok: false, error: expect.stringMatching(/database_type 'GeoLite2-City' is not an ASN database/) });
  });

  it('looks up IPv4, IPv6 and IPv4-mapped addresses and counts bad input', async () => {
    const dir = await tempDir();
    const path = await writeTestAsnDb(dir, 'asn.mmdb', [
      ['198.51.100.0/24', 64500, 'V4 Org'],
      ['2001:db8::/32', 64501, 'V6 Org'],
    ]);
    const counters = createCounters();
    const r = await openAsnDb(path, { counters });
    if (!r.ok) throw new Error(r.error);
    expect(r.db.lookup('198.51.100.7')).toEqual({ asNumber: 64500, asOrganization: 'V4 Org', network: '198.51.100.0/24' });
    expect(r.db.lookup('::ffff:198.51.100.7')?.asNumber).toBe(64500);
    expect(r.db.lookup('2001:db8::5')).toEqual({ asNumber: 64501, asOrganization: 'V6 Org', network: '2001:db8::/32' });
    expect(r.db.lookup('203.0.113.1')).toBeUndefined();
    expect(r.db.lookup('bogus')).toBeUndefined();
    expect(counters.get('intel.asn_bad_ip')).toBe(1);
  });

  it('bounds its cache and counts evictions, answering the same after eviction', async () => {
    const dir = await tempDir();
    const path = await writeTestAsnDb(dir, 'asn.mmdb', [['198.51.100.0/24', 64500, 'Org']]);
    const counters = createCounters();
    const r = await openAsnDb(path, { counters, cacheSize: 2 });
    if (!r.ok) throw new Error(r.error);
    for (let i = 1; i <= 5; i++) expect(r.db.lookup(`198.51.100.${i}`)?.asNumber).toBe(64500);
    expect(counters.get('intel.asn_cache_evicted')).toBe(3);
    expect(r.db.lookup('198.51.100.1')?.asNumber).toBe(64500);
  });
});
