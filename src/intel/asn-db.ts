/**
 * AsnDb: IP → autonomous system from any ASN-style MaxMind DB (GeoLite2-ASN, GeoIP2-ISP, DB-IP ASN
 * Lite, the embedded exfilwatch db), read with the `maxmind` package, with a bounded lookup cache.
 */
import { readFile, stat } from 'node:fs/promises';
import { Reader, type AsnResponse } from 'maxmind';
import type { Counters } from '../core/counters.js';
import { createLru } from './lru.js';
import { newParsedIp, parseIp, type ParsedIp } from './ip-parse.js';
import { formatAddress } from './cidr-set.js';

/** What an ASN database says about one address. */
export interface AsnAnswer {
  readonly asNumber: number;
  readonly asOrganization: string;
  /** the database's network for this address, e.g. `185.206.24.0/22` */
  readonly network: string;
}

/** An opened ASN database. */
export interface AsnDb {
  /** file it was read from */
  readonly path: string;
  /** metadata `database_type`, e.g. `GeoLite2-ASN` */
  readonly databaseType: string;
  /** metadata build time, seconds since the epoch */
  readonly buildEpoch: number;
  /** the AS of `ip` (IPv4/IPv6 text), or undefined when the db has none or the text is not an IP */
  lookup(ip: string): AsnAnswer | undefined;
}

export interface AsnDbOptions {
  /** bound on cached answers (default 10,000); the least recently used half is dropped and counted */
  readonly cacheSize?: number;
  /** counts `intel.asn_cache_evicted`, `intel.asn_bad_ip` */
  readonly counters?: Counters;
}

export type OpenResult = { readonly ok: true; readonly db: AsnDb } | { readonly ok: false; readonly error: string };

// GeoLite2-ASN, GeoIP2-ISP, DBIP-ASN-Lite, ipinfo ASN … all name themselves so; City/Country dbs do not.
const ASN_TYPE = /asn|isp/i;
const MISS = { asNumber: 0, asOrganization: '', network: '' } as const;

function isAsnResponse(x: unknown): x is AsnResponse {
  return typeof x === 'object' && x !== null && typeof (x as { autonomous_system_number?: unknown }).autonomous_system_number === 'number';
}

/**
 * Opens an ASN .mmdb. Never throws: a missing file, an unreadable one, a gzip, a non-MaxMind file or a
 * MaxMind db of another kind (City, Country…) gives `{ ok: false, error }` naming the path and why.
 */
export async function openAsnDb(path: string, options: AsnDbOptions = {}): Promise<OpenResult> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return { ok: false, error: `ASN database ${path}: not a file` };
  } catch {
    return { ok: false, error: `ASN database ${path}: file not found` };
  }
  let reader: Reader<AsnResponse>;
  try {
    const bytes = await readFile(path);
    if (bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      return { ok: false, error: `ASN database ${path}: gzip-compressed; gunzip it first` };
    }
    reader = new Reader<AsnResponse>(bytes);
  } catch (e) {
    return { ok: false, error: `ASN database ${path}: not a MaxMind DB file (${(e as Error).message})` };
  }
  const type = String(reader.metadata.databaseType ?? '');
  if (!ASN_TYPE.test(type)) {
    return { ok: false, error: `ASN database ${path}: database_type '${type}' is not an ASN database (want GeoLite2-ASN, GeoIP2-ISP or similar)` };
  }
  const counters = options.counters;
  const cache = createLru<string, AsnAnswer | typeof MISS>(options.cacheSize ?? 10_000, (n) => counters?.inc('intel.asn_cache_evicted', n));
  const scratch = newParsedIp();
  const lookupUncached = (ip: string): AsnAnswer | undefined => {
    const kind = parseIp(ip, scratch);
    if (kind === 0) {
      counters?.inc('intel.asn_bad_ip');
      return undefined;
    }
    // mapped ::ffff:a.b.c.d goes to the IPv4 subtree, which is where ASN dbs keep IPv4
    const v4 = scratch.v4;
    const query = kind === 4 && ip.includes(':') ? `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}` : ip;
    let found: [AsnResponse | null, number];
    try {
      found = reader.getWithPrefixLength(query);
    } catch {
      counters?.inc('intel.asn_db_error');
      return undefined;
    }
    const [data, len] = found;
    if (!isAsnResponse(data)) return undefined;
    return {
      asNumber: data.autonomous_system_number,
      asOrganization: typeof data.autonomous_system_organization === 'string' ? data.autonomous_system_organization : '',
      network: networkOf(scratch, len),
    };
  };
  const db: AsnDb = {
    path,
    databaseType: type,
    buildEpoch: Math.floor(reader.metadata.buildEpoch.getTime() / 1000),
    lookup(ip) {
      const hit = cache.get(ip);
      if (hit !== undefined) return hit === MISS ? undefined : (hit as AsnAnswer);
      const answer = lookupUncached(ip);
      if (scratch.kind !== 0) cache.set(ip, answer ?? MISS);
      return answer;
    },
  };
  return { ok: true, db };
}

// maxmind counts IPv4 depth from the IPv4 subtree, so `len` is 0..32 for IPv4 and 0..128 for IPv6.
function networkOf(ip: ParsedIp, len: number): string {
  if (ip.kind === 4) {
    const bits = Math.min(32, len);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return `${formatAddress(4, BigInt((ip.v4 & mask) >>> 0))}/${bits}`;
  }
  let v = 0n;
  for (let w = 0; w < 4; w++) v = (v << 32n) | BigInt(ip.v6[w] ?? 0);
  const bits = Math.min(128, len);
  const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  return `${formatAddress(6, v & mask)}/${bits}`;
}
