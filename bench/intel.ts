/**
 * Intel lookup speed (not a test): `npx tsx bench/intel.ts [prefixes] [lookups]`.
 * CidrSet with 50,000 random prefixes (40,000 IPv4 /8–/32, 10,000 IPv6 /16–/64), AsnDb over a
 * 50,000-prefix .mmdb built by the project's writer (cache on and off), DomainSet on the shipped catalogue.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCidrSetBuilder, formatAddress } from '../src/intel/cidr-set.js';
import { openAsnDb } from '../src/intel/asn-db.js';
import { parseDomainsCsv } from '../src/intel/domain-loader.js';
import { createIntel } from '../src/intel/intel.js';
import { uint, writeMmdb, type MmdbRecord } from '../src/intel/mmdb-writer.js';
import { defaultIntelDir } from '../src/intel/paths.js';

const N = Number(process.argv[2] ?? 50_000);
const LOOKUPS = Number(process.argv[3] ?? 1_000_000);

let seed = 42;
function rnd32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

function rate(label: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 50_000); i++) fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  let hits = 0;
  for (let i = 0; i < n; i++) if (fn(i) !== undefined) hits++;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(46)} ${(n / s / 1e6).toFixed(2).padStart(6)} M lookups/s  ${((s / n) * 1e9).toFixed(0).padStart(5)} ns/lookup  (${((hits / n) * 100).toFixed(0)}% hits)`);
}

const nV6 = Math.floor(N / 5);
const records: MmdbRecord[] = [];
const builder = createCidrSetBuilder<number>();
const t0 = Date.now();
const seen = new Set<string>();
for (let i = 0; seen.size < N - nV6; i++) {
  const len = 8 + (rnd32() % 25);
  const start = BigInt(len === 32 ? rnd32() : (rnd32() & ~((2 ** (32 - len)) - 1)) >>> 0);
  const key = `${formatAddress(4, start)}/${len}`;
  if (seen.has(key)) continue;
  seen.add(key);
  builder.add(key, i);
  records.push({ version: 4, start, length: len, data: { autonomous_system_number: uint(32, 1 + (i % 60_000)), autonomous_system_organization: `Org ${i % 60_000}` } });
}
for (let i = 0; seen.size < N; i++) {
  const len = 16 + (rnd32() % 49);
  const hi = (BigInt(0x2000 + (rnd32() % 0x1000)) << 48n) | (BigInt(rnd32()) << 16n) | BigInt(rnd32() & 0xffff);
  const start = (hi >> BigInt(64 - len)) << BigInt(64 - len) << 64n;
  const key = `${formatAddress(6, start)}/${len}`;
  if (seen.has(key)) continue;
  seen.add(key);
  builder.add(key, i);
  records.push({ version: 6, start, length: len, data: { autonomous_system_number: uint(32, 1 + (i % 60_000)), autonomous_system_organization: `Org ${i % 60_000}` } });
}
const set = builder.build();
console.log(`CidrSet: ${set.size} prefixes built in ${Date.now() - t0} ms`);

const ips: string[] = [];
for (let i = 0; i < 100_000; i++) {
  if (i % 5 === 4) ips.push(`2${(rnd32() % 0x1000).toString(16).padStart(3, '0')}:${(rnd32() & 0xffff).toString(16)}:${(rnd32() & 0xffff).toString(16)}:${(rnd32() & 0xffff).toString(16)}::${(rnd32() & 0xffff).toString(16)}`);
  else ips.push(formatAddress(4, BigInt(rnd32() % 0x40000000)));
}
const bytes = ips.filter((s) => !s.includes(':')).map((s) => Uint8Array.from(s.split('.').map(Number)));
rate('CidrSet.match(string), 80% v4 / 20% v6', LOOKUPS, (i) => set.match(ips[i % ips.length] ?? ''));
rate('CidrSet.matchBytes(4 bytes)', LOOKUPS, (i) => set.matchBytes(bytes[i % bytes.length] ?? new Uint8Array(4)));

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-bench-'));
const t1 = Date.now();
const mmdb = writeMmdb(records, { databaseType: 'Bench-ASN', description: 'bench', buildEpoch: 0 });
writeFileSync(join(dir, 'bench.mmdb'), mmdb);
console.log(`AsnDb: ${records.length}-prefix .mmdb (${(mmdb.length / 1e6).toFixed(1)} MB) written in ${Date.now() - t1} ms`);
const cached = await openAsnDb(join(dir, 'bench.mmdb'), { cacheSize: 10_000 });
const uncached = await openAsnDb(join(dir, 'bench.mmdb'), { cacheSize: 1 });
if (!cached.ok || !uncached.ok) throw new Error('bench db failed to open');
rate('AsnDb.lookup, 100k distinct IPs, cache 10k', LOOKUPS / 2, (i) => cached.db.lookup(ips[i % ips.length] ?? ''));
rate('AsnDb.lookup, 1k hot IPs, cache 10k', LOOKUPS, (i) => cached.db.lookup(ips[i % 1000] ?? ''));
rate('AsnDb.lookup, cache off (size 1)', LOOKUPS / 2, (i) => uncached.db.lookup(ips[i % ips.length] ?? ''));

const file = join(defaultIntelDir(), 'domains.csv');
const dom = parseDomainsCsv(await readFile(file, 'utf8'), file);
if (!dom.ok) throw new Error(dom.error);
const names = ['gfs270n071.userstorage.mega.co.nz', 'bucket.s3.us-east-1.amazonaws.com', 'www.example.com', 'a.b.c.d.e.f.example.org', 'content.dropboxapi.com'];
rate('DomainSet.match (shipped catalogue)', LOOKUPS, (i) => dom.value.match(names[i % names.length] ?? ''));

const intel = await createIntel();
if (!intel.ok) throw new Error(intel.error);
rate('Intel.direction (default local nets)', LOOKUPS, (i) => intel.intel.direction('10.0.0.5', ips[i % ips.length] ?? ''));
rate('Intel.enrich(ip, domain) embedded defaults', LOOKUPS / 2, (i) => intel.intel.enrich(ips[i % ips.length] ?? '', names[i % names.length]));
