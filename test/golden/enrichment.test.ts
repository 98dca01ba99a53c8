import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAsnMmdb, parseAsnPrefixes } from '../../src/intel/asn-source.js';
import { dataset, get, parseLines, PCAPS, runCli } from '../helpers/cli.js';

const flowsTo = (file: string, ip: string, extra: string[] = []) =>
  dataset(parseLines(runCli(['replay', '-q', ...extra, join(PCAPS, file)]).stdout), 'flow').filter((f) => get(f, 'destination.ip') === ip);

describe('enrichment from the embedded intel, with no flags', () => {
  it('labels MEGA upload flows AS205809 / MEGA, even without DNS or SNI', () => {
    const [f] = flowsTo('mega-upload-nodns.pcap', '185.206.25.71');
    expect(get(f!, 'destination.as.number')).toBe(205809);
    expect(get(f!, 'exfilwatch.destination.provider')).toBe('MEGA');
    expect(get(f!, 'exfilwatch.destination.category')).toBe('cloud-storage');
  });

  it('labels the S3 upload AWS S3 in us-east-1, with the bucket name the client resolved', () => {
    const [f] = flowsTo('s3-upload.pcap', '52.217.84.12');
    expect(get(f!, 'exfilwatch.destination.service')).toBe('AWS S3');
    expect(get(f!, 'exfilwatch.destination.region')).toBe('us-east-1');
    expect(get(f!, 'destination.domain')).toBe('exfil-bucket.s3.us-east-1.amazonaws.com');
  });

  it('lets a user .mmdb win over the embedded default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-mmdb-'));
    const rows = parseAsnPrefixes('prefix,asn,organization,source,date,verified\n185.206.24.0/22,64500,Test Transit,test,2026-11-29,test\n', 'test.csv');
    if (!rows.ok) throw new Error(rows.error);
    const db = join(dir, 'user-asn.mmdb');
    writeFileSync(db, buildAsnMmdb(rows.value));
    const [f] = flowsTo('mega-upload-nodns.pcap', '185.206.25.71', ['--asn-db', db]);
    expect(get(f!, 'destination.as.number')).toBe(64500);
    expect(get(f!, 'destination.as.organization.name')).toBe('Test Transit');
  });

  it('stops at start-up with one line when the .mmdb is missing', () => {
    const r = runCli(['replay', '--asn-db', '/nonexistent/GeoLite2-ASN.mmdb', join(PCAPS, 'dns-only.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/nonexistent/GeoLite2-ASN.mmdb');
  });
});
