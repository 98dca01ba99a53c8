import { describe, expect, it } from 'vitest';
import { compileAllowlist, parseExpiry, type Allowlist } from '../../src/intel/allowlist.js';

const us = (iso: string): number => Date.parse(iso) * 1000;

function compile(raw: unknown): Allowlist {
  const r = compileAllowlist(raw, 'exfilwatch.yaml');
  if (!r.ok) throw new Error(r.error);
  return r.allowlist;
}

describe('Allowlist', () => {
  const list = compile([
    { id: 'backup-to-s3', reason: 'nightly backup', source: ['10.0.5.20'], destination: { providers: ['AWS S3'] } },
    { id: 'build-farm', source: ['10.9.0.0/16', 'fd00:9::/32'], expires: '2025-06-30' },
    { id: 'corp-box', destination: { domains: ['corp.box.com'], asns: ['AS64500'], cidrs: ['198.51.100.0/24'] } },
  ]);

  it('matches a source+destination pair only when both match', () => {
    const s3 = { ip: '52.217.1.1', provider: 'AWS', service: 'AWS S3' };
    expect(list.match('10.0.5.20', s3, us('2025-01-01T00:00:00Z'))).toMatchObject({ id: 'backup-to-s3', kind: 'pair', reason: 'nightly backup' });
    expect(list.match('10.0.5.21', s3, us('2025-01-01T00:00:00Z'))).toBeUndefined();
    expect(list.match('10.0.5.20', { ip: '185.206.24.1', provider: 'MEGA', service: 'MEGA' }, us('2025-01-01T00:00:00Z'))).toBeUndefined();
    expect(list.match('10.0.5.20', { ip: '52.217.1.1', service: 'aws s3' }, 0)?.id).toBe('backup-to-s3');
  });

  it('matches sources by CIDR, IPv4 and IPv6', () => {
    expect(list.match('10.9.3.4', { ip: '1.1.1.1' }, us('2025-01-01T00:00:00Z'))).toMatchObject({ id: 'build-farm', kind: 'source' });
    expect(list.match('fd00:9::1', { ip: '1.1.1.1' }, us('2025-01-01T00:00:00Z'))?.id).toBe('build-farm');
  });

  it('compares the expiry with the event time: a date is valid through that day (UTC)', () => {
    expect(list.match('10.9.3.4', { ip: '1.1.1.1' }, us('2025-06-30T23:59:59Z'))?.id).toBe('build-farm');
    expect(list.match('10.9.3.4', { ip: '1.1.1.1' }, us('2025-07-01T00:00:00Z'))).toBeUndefined();
  });

  it('matches destinations by domain suffix, ASN or CIDR', () => {
    expect(list.match('10.1.1.1', { ip: '9.9.9.9', domain: 'upload.corp.box.com.' }, 0)).toMatchObject({ id: 'corp-box', kind: 'destination' });
    expect(list.match('10.1.1.1', { ip: '9.9.9.9', domain: 'xcorp.box.com' }, 0)).toBeUndefined();
    expect(list.match('10.1.1.1', { ip: '9.9.9.9', asn: 64500 }, 0)?.id).toBe('corp-box');
    expect(list.match('10.1.1.1', { ip: '198.51.100.77' }, 0)?.id).toBe('corp-box');
    expect(list.match('10.1.1.1', { ip: '198.51.101.77', asn: 64501 }, 0)).toBeUndefined();
  });

  it('parses expiries as dates or instants', () => {
    expect(parseExpiry('2025-01-01')).toBe(us('2025-01-02T00:00:00Z'));
    expect(parseExpiry('2025-01-01T12:00:00Z')).toBe(us('2025-01-01T12:00:00Z'));
    expect(parseExpiry(new Date('2025-01-01T00:00:00Z'))).toBe(us('2025-01-01T00:00:00Z'));
    expect(parseExpiry('next tuesday')).toBeUndefined();
    expect(parseExpiry('2025-13-45')).toBeUndefined();
  });

  it('names the file, the entry and the id in errors', () => {
    const err = (raw: unknown): string => {
      const r = compileAllowlist(raw, 'exfilwatch.yaml');
      return r.ok ? 'ok' : r.error;
    };
    expect(err([{ id: 'a', source: ['10.0.0.1'] }, { id: 'b', source: ['10.0.0.300'] }])).toBe("exfilwatch.yaml: allowlist[1] (id 'b'): source[0]: not a valid IP prefix: '10.0.0.300'");
    expect(err([{ id: 'a', destination: { asns: ['ASX'] } }])).toBe("exfilwatch.yaml: allowlist[0] (id 'a'): destination.asns[0]: not an AS number: 'ASX'");
    expect(err([{ id: 'a', destination: { domains: ['bad..name'] } }])).toMatch(/^exfilwatch\.yaml: allowlist\[0\] \(id 'a'\): destination\.domains\[0\]: not a domain suffix/);
    expect(err([{ id: 'a', reason: 'x' }])).toBe("exfilwatch.yaml: allowlist[0] (id 'a'): needs a source, a destination or both");
    expect(err([{ id: 'a', source: ['10.0.0.1'], expires: 'soon' }])).toMatch(/expires 'soon' is not YYYY-MM-DD/);
    expect(err([{ id: 'a', source: ['10.0.0.1'] }, { id: 'a', source: ['10.0.0.2'] }])).toBe("exfilwatch.yaml: allowlist[1] (id 'a'): id used twice");
    expect(err([{ id: 'x', source: ['10.0.0.1'], sorce: [] }])).toMatch(/^exfilwatch\.yaml: allowlist\[0\] \(id 'x'\): Unrecognized key/);
    expect(err([{ id: 'x', source: '10.0.0.1' }])).toMatch(/^exfilwatch\.yaml: allowlist\[0\]\.source \(id 'x'\): /);
    expect(err(undefined)).toBe('ok');
  });
});
