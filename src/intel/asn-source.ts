/**
 * The readable source of the embedded ASN database (intel/asn-prefixes.csv) and of the ASN → provider
 * map (intel/asn-providers.csv), and the build step that turns the first into a .mmdb image.
 */
import { parseCsv } from './csv.js';
import { parsePrefix } from './cidr-set.js';
import { uint, writeMmdb, type MmdbRecord } from './mmdb-writer.js';

/** One row of intel/asn-prefixes.csv. */
export interface AsnPrefixRow {
  readonly prefix: string;
  readonly version: 4 | 6;
  readonly start: bigint;
  readonly length: number;
  readonly asn: number;
  readonly organization: string;
  readonly source: string;
  /** YYYY-MM-DD the fact was copied */
  readonly date: string;
  /** e.g. `unverified offline` */
  readonly verified: string;
}

/** One row of intel/asn-providers.csv: who runs an AS, for labelling flows by ASN. */
export interface AsnProvider {
  readonly asn: number;
  readonly provider: string;
  readonly service: string;
  readonly category: string;
}

export type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses an AS number cell (`205809` or `AS205809`); -1 when invalid. */
export function parseAsn(text: string): number {
  const t = text.trim().replace(/^as/i, '');
  if (!/^\d{1,10}$/.test(t)) return -1;
  const n = Number(t);
  return n >= 1 && n <= 0xffffffff ? n : -1;
}

/** Parses intel/asn-prefixes.csv (columns prefix,asn,organization,source,date,verified). */
export function parseAsnPrefixes(text: string, file: string): Loaded<AsnPrefixRow[]> {
  const csv = parseCsv(text, file, ['prefix', 'asn', 'organization', 'source', 'date', 'verified']);
  if (!csv.ok) return csv;
  const out: AsnPrefixRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of csv.rows) {
    const at = `${file}:${line}`;
    const p = parsePrefix(cells.prefix ?? '');
    if (typeof p === 'string') return { ok: false, error: `${at}: ${p}` };
    const dup = seen.get(p.canonical);
    if (dup !== undefined) return { ok: false, error: `${at}: prefix ${p.canonical} already given on line ${dup}` };
    seen.set(p.canonical, line);
    const asn = parseAsn(cells.asn ?? '');
    if (asn < 0) return { ok: false, error: `${at}: not an AS number: '${cells.asn ?? ''}'` };
    const organization = cells.organization ?? '';
    if (organization === '') return { ok: false, error: `${at}: empty organization` };
    const date = cells.date ?? '';
    if (!DATE.test(date) || Number.isNaN(Date.parse(date))) return { ok: false, error: `${at}: date must be YYYY-MM-DD, got '${date}'` };
    const source = cells.source ?? '';
    const verified = cells.verified ?? '';
    if (source === '' || verified === '') return { ok: false, error: `${at}: source and verified must be filled in` };
    out.push({ prefix: p.canonical, version: p.version, start: p.start, length: p.length, asn, organization, source, date, verified });
  }
  return { ok: true, value: out };
}

/** Parses intel/asn-providers.csv (columns asn,provider,service,category,source,date,verified). */
export function parseAsnProviders(text: string, file: string): Loaded<Map<number, AsnProvider>> {
  const csv = parseCsv(text, file, ['asn', 'provider', 'service', 'category', 'source', 'date', 'verified']);
  if (!csv.ok) return csv;
  const map = new Map<number, AsnProvider>();
  for (const { line, cells } of csv.rows) {
    const asn = parseAsn(cells.asn ?? '');
    if (asn < 0) return { ok: false, error: `${file}:${line}: not an AS number: '${cells.asn ?? ''}'` };
    const provider = cells.provider ?? '';
    if (provider === '') return { ok: false, error: `${file}:${line}: empty provider` };
    if (map.has(asn)) return { ok: false, error: `${file}:${line}: AS${asn} listed twice` };
    map.set(asn, { asn, provider, service: cells.service || provider, category: cells.category || 'cloud' });
  }
  return { ok: true, value: map };
}

/** Database type written into the embedded .mmdb (contains `ASN`, so AsnDb accepts it). */
export const EMBEDDED_DB_TYPE = 'exfilwatch-Embedded-ASN';

/**
 * Builds the embedded ASN .mmdb from parsed rows (GeoLite2-ASN layout). Deterministic: the build
 * epoch is the newest `date` in the source, so rebuilding the same CSV gives identical bytes.
 */
export function buildAsnMmdb(rows: readonly AsnPrefixRow[]): Buffer {
  const records: MmdbRecord[] = rows.map((r) => ({
    version: r.version,
    start: r.start,
    length: r.length,
    data: { autonomous_system_number: uint(32, r.asn), autonomous_system_organization: r.organization },
  }));
  const newest = rows.reduce((m, r) => (r.date > m ? r.date : m), '1970-01-01');
  return writeMmdb(records, {
    databaseType: EMBEDDED_DB_TYPE,
    description: 'exfilwatch embedded cloud-storage ASN prefixes (built from intel/asn-prefixes.csv)',
    buildEpoch: Date.parse(`${newest}T00:00:00Z`) / 1000,
  });
}
