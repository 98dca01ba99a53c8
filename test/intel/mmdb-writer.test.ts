import { execFileSync } from 'node:child_process';
import { Reader, open } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { encodeValue, uint, writeMmdb } from '../../src/intel/mmdb-writer.js';
import { parsePrefix } from '../../src/intel/cidr-set.js';
import { tempDir, writeTestAsnDb } from './helpers.js';

describe('mmdb writer', () => {
  it('encodes values as the MaxMind DB data format says', () => {
    // control byte 010 00011 = utf8 string of 3 bytes
    expect([...encodeValue('abc')]).toEqual([0x43, 0x61, 0x62, 0x63]);
    // 110 00010 = uint32 of 2 bytes, 0x0100
    expect([...encodeValue(uint(32, 256))]).toEqual([0xc2, 0x01, 0x00]);
    // 101 00000 = uint16 zero (no payload bytes)
    expect([...encodeValue(uint(16, 0))]).toEqual([0xa0]);
    // extended: 000 00001, type byte 2 (uint64 = 9 - 7), then 1 byte
    expect([...encodeValue(uint(64, 5))]).toEqual([0x01, 0x02, 0x05]);
    // 111 00001 = map of 1 pair: "a" → "b"
    expect([...encodeValue({ a: 'b' })]).toEqual([0xe1, 0x41, 0x61, 0x41, 0x62]);
    // a 30-byte string needs one size byte: 29 + 1
    expect([...encodeValue('x'.repeat(30)).subarray(0, 2)]).toEqual([0x5d, 0x01]);
    expect(() => encodeValue(uint(16, 70_000))).toThrow(/unsigned 16-bit/);
  });

  it('writes a database that maxmind reads back, nested prefixes included', async () => {
    const dir = await tempDir();
    const path = await writeTestAsnDb(dir, 'a.mmdb', [
      ['198.51.100.0/24', 64500, 'Outer Org'],
      ['198.51.100.128/25', 64501, 'Inner Org'],
      ['2001:db8::/32', 64502, 'V6 Org'],
    ]);
    const reader = await open(path);
    expect(reader.metadata.databaseType).toBe('Test-ASN');
    expect(reader.get('198.51.100.1')).toEqual({ autonomous_system_number: 64500, autonomous_system_organization: 'Outer Org' });
    expect(reader.get('198.51.100.200')).toEqual({ autonomous_system_number: 64501, autonomous_system_organization: 'Inner Org' });
    expect(reader.getWithPrefixLength('198.51.100.200')[1]).toBe(25);
    expect(reader.get('2001:db8:ffff::1')).toMatchObject({ autonomous_system_number: 64502 });
    expect(reader.get('198.51.101.1')).toBeNull();
    expect(reader.get('2001:db9::1')).toBeNull();
  });

  it('writes a database that libmaxminddb (mmdblookup) validates and reads', async () => {
    const dir = await tempDir();
    const path = await writeTestAsnDb(dir, 'b.mmdb', [['203.0.113.0/24', 64510, 'Lookup Org']]);
    const out = execFileSync('mmdblookup', ['--file', path, '--ip', '203.0.113.9', 'autonomous_system_number'], { encoding: 'utf8' });
    expect(out).toMatch(/64510 <uint32>/);
    const meta = execFileSync('mmdblookup', ['--verbose', '--file', path, '--ip', '203.0.113.9'], { encoding: 'utf8' });
    expect(meta).toMatch(/Type:\s+Test-ASN/);
    expect(meta).toMatch(/Lookup Org/);
  });

  it('is deterministic: the same records give the same bytes', () => {
    const p = parsePrefix('192.0.2.0/24');
    if (typeof p === 'string') throw new Error(p);
    const rec = { version: p.version, start: p.start, length: p.length, data: { b: 'x', a: uint(32, 1) } };
    const meta = { databaseType: 'T-ASN', description: 'd', buildEpoch: 1 };
    expect(writeMmdb([rec], meta).equals(writeMmdb([{ ...rec, data: { a: uint(32, 1), b: 'x' } }], meta))).toBe(true);
    expect(new Reader(writeMmdb([rec], meta)).get('192.0.2.1')).toEqual({ a: 1, b: 'x' });
  });

  it('rejects a /0 prefix', () => {
    expect(() => writeMmdb([{ version: 6, start: 0n, length: 0, data: { a: 'b' } }], { databaseType: 'x', description: '', buildEpoch: 0 })).toThrow(/\/0/);
  });
});
