/**
 * Reads one intel directory (the shipped intel/ or a user's) and a user ASN db into an immutable
 * snapshot. A file that is absent is skipped and reported; a file that is present but bad fails the
 * whole load with a message naming the file and line, so a reload can keep the previous snapshot.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Counters } from '../core/counters.js';
import { openAsnDb, type AsnDb } from './asn-db.js';
import { parseAsnProviders, type AsnProvider } from './asn-source.js';
import { createCidrSetBuilder, type CidrSet } from './cidr-set.js';
import { parseDomainsCsv, parseJa4Csv, type Ja4Label } from './domain-loader.js';
import { createDomainSet, type DomainSet } from './domain-set.js';
import * as P from './paths.js';
import { addRanges, mergeRangeLabels, parseAwsRanges, parseAzureServiceTags, parseGoogleCloud, parsePrefixList, type RangeLabel, type RangeLoad } from './range-loaders.js';

/** Everything read from disk, swapped whole on reload. */
export interface IntelSnapshot {
  readonly embeddedAsn?: AsnDb;
  readonly userAsn?: AsnDb;
  readonly asnProviders: ReadonlyMap<number, AsnProvider>;
  readonly ranges: CidrSet<RangeLabel>;
  readonly domains: DomainSet;
  readonly ja4: ReadonlyMap<string, Ja4Label>;
  /** one line per source: what was loaded or skipped */
  readonly notes: readonly string[];
}

export interface LoadOptions {
  readonly intelDir: string;
  readonly asnDbPath?: string | undefined;
  readonly asnCacheSize?: number | undefined;
  readonly counters?: Counters | undefined;
}

export type SnapshotResult = { readonly ok: true; readonly snapshot: IntelSnapshot } | { readonly ok: false; readonly error: string };

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
}

/** Loads a snapshot; never throws. */
export async function loadSnapshot(opts: LoadOptions): Promise<SnapshotResult> {
  try {
    return await loadOrThrow(opts);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

async function loadOrThrow(opts: LoadOptions): Promise<SnapshotResult> {
  const dir = opts.intelDir;
  const notes: string[] = [];
  const dbOpts = { ...(opts.asnCacheSize !== undefined ? { cacheSize: opts.asnCacheSize } : {}), ...(opts.counters ? { counters: opts.counters } : {}) };

  let userAsn: AsnDb | undefined;
  if (opts.asnDbPath !== undefined) {
    const r = await openAsnDb(opts.asnDbPath, dbOpts);
    if (!r.ok) return r;
    userAsn = r.db;
    notes.push(`asn: ${opts.asnDbPath} (${r.db.databaseType}, built ${new Date(r.db.buildEpoch * 1000).toISOString().slice(0, 10)})`);
  }
  let embeddedAsn: AsnDb | undefined;
  const embeddedPath = join(dir, P.EMBEDDED_MMDB);
  const r = await openAsnDb(embeddedPath, dbOpts);
  if (r.ok) {
    embeddedAsn = r.db;
    notes.push(`asn: ${embeddedPath} (embedded default)`);
  } else if (r.error.endsWith('file not found')) {
    notes.push(`asn: ${embeddedPath} absent, skipped`);
  } else {
    return r;
  }

  let asnProviders: ReadonlyMap<number, AsnProvider> = new Map();
  const provText = await readOptional(join(dir, P.ASN_PROVIDERS_CSV));
  if (provText !== undefined) {
    const p = parseAsnProviders(provText, join(dir, P.ASN_PROVIDERS_CSV));
    if (!p.ok) return p;
    asnProviders = p.value;
  }

  const ranges = createCidrSetBuilder<RangeLabel>({ merge: mergeRangeLabels });
  const rangeFiles: [string, (text: string, file: string) => RangeLoad][] = [
    [P.AWS_RANGES_JSON, parseAwsRanges],
    [P.GOOGLE_CLOUD_JSON, parseGoogleCloud],
    [P.AZURE_TAGS_JSON, parseAzureServiceTags],
  ];
  let listNames: string[] = [];
  try {
    listNames = (await readdir(join(dir, P.LISTS_DIR))).filter((n) => n.endsWith('.txt')).sort();
  } catch {
    // no lists/ folder: nothing to add
  }
  for (const n of listNames) rangeFiles.push([join(P.LISTS_DIR, n), (t, f) => parsePrefixList(t, f)]);
  for (const [name, parse] of rangeFiles) {
    const file = join(dir, name);
    const text = await readOptional(file);
    if (text === undefined) continue;
    const loaded = parse(text, file);
    if (!loaded.ok) return loaded;
    addRanges(ranges, loaded.items);
    notes.push(`ranges: ${file}: ${loaded.note}`);
  }

  let domains = createDomainSet([]);
  const domText = await readOptional(join(dir, P.DOMAINS_CSV));
  if (domText !== undefined) {
    const d = parseDomainsCsv(domText, join(dir, P.DOMAINS_CSV));
    if (!d.ok) return d;
    domains = d.value;
    notes.push(`domains: ${join(dir, P.DOMAINS_CSV)}: ${domains.size} rules`);
  }
  let ja4: ReadonlyMap<string, Ja4Label> = new Map();
  const jaText = await readOptional(join(dir, P.JA4_CSV));
  if (jaText !== undefined) {
    const j = parseJa4Csv(jaText, join(dir, P.JA4_CSV));
    if (!j.ok) return j;
    ja4 = j.value;
  }
  const snapshot: IntelSnapshot = {
    ...(embeddedAsn ? { embeddedAsn } : {}),
    ...(userAsn ? { userAsn } : {}),
    asnProviders,
    ranges: ranges.build(),
    domains,
    ja4,
    notes,
  };
  return { ok: true, snapshot };
}
