import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrefix } from '../../src/intel/cidr-set.js';
import { uint, writeMmdb, type MmdbRecord } from '../../src/intel/mmdb-writer.js';

/** A fresh temporary folder for one test. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'exfilwatch-intel-'));
}

/** Writes a small ASN-layout .mmdb with the given prefix → [asn, org] rows; returns its path. */
export async function writeTestAsnDb(dir: string, name: string, rows: readonly [string, number, string][], databaseType = 'Test-ASN'): Promise<string> {
  const records: MmdbRecord[] = rows.map(([prefix, asn, org]) => {
    const p = parsePrefix(prefix);
    if (typeof p === 'string') throw new Error(p);
    return { version: p.version, start: p.start, length: p.length, data: { autonomous_system_number: uint(32, asn), autonomous_system_organization: org } };
  });
  const path = join(dir, name);
  await writeFile(path, writeMmdb(records, { databaseType, description: 'test', buildEpoch: 1_700_000_000 }));
  return path;
}
