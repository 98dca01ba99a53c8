/**
 * Loaders for intel/domains.csv (the cloud-storage domain catalogue) and intel/ja4.csv (TLS client
 * fingerprints treated as weak corroboration). Errors name the file and the line.
 */
import { parseCsv } from './csv.js';
import { checkRule, createDomainSet, DOMAIN_CATEGORIES, DOMAIN_ROLES, type DomainCategory, type DomainLabel, type DomainRole, type DomainSet } from './domain-set.js';
import type { Loaded } from './asn-source.js';

/** Parses domains.csv (columns suffix,provider,service,category,role,region,source,date,verified). */
export function parseDomainsCsv(text: string, file: string): Loaded<DomainSet> {
  const csv = parseCsv(text, file, ['suffix', 'provider', 'service', 'category', 'role', 'region', 'source', 'date', 'verified']);
  if (!csv.ok) return csv;
  const rules: [string, DomainLabel][] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of csv.rows) {
    const at = `${file}:${line}`;
    const suffix = (cells.suffix ?? '').toLowerCase().replace(/\.$/, '');
    const bad = checkRule(suffix);
    if (bad) return { ok: false, error: `${at}: ${bad}` };
    const dup = seen.get(suffix);
    if (dup !== undefined) return { ok: false, error: `${at}: suffix ${suffix} already given on line ${dup}` };
    seen.set(suffix, line);
    const category = cells.category as DomainCategory;
    if (!DOMAIN_CATEGORIES.includes(category)) return { ok: false, error: `${at}: category '${cells.category ?? ''}' is not one of ${DOMAIN_CATEGORIES.join(', ')}` };
    const role = cells.role as DomainRole;
    if (!DOMAIN_ROLES.includes(role)) return { ok: false, error: `${at}: role '${cells.role ?? ''}' is not one of ${DOMAIN_ROLES.join(', ')}` };
    const provider = cells.provider ?? '';
    if (provider === '') return { ok: false, error: `${at}: empty provider` };
    const base = { provider, service: cells.service || provider, category, role };
    rules.push([suffix, cells.region ? { ...base, region: cells.region } : base]);
  }
  return { ok: true, value: createDomainSet(rules) };
}

/** One known TLS client fingerprint. */
export interface Ja4Label {
  readonly ja4: string;
  /** what it is usually seen for, e.g. `Go crypto/tls (rclone and other Go tools)` */
  readonly label: string;
}

const JA4 = /^[tqd][0-9a-z]{9}_[0-9a-f]{12}_[0-9a-f]{12}$/;

/** Parses ja4.csv (columns ja4,label,source,date,verified). */
export function parseJa4Csv(text: string, file: string): Loaded<Map<string, Ja4Label>> {
  const csv = parseCsv(text, file, ['ja4', 'label', 'source', 'date', 'verified']);
  if (!csv.ok) return csv;
  const map = new Map<string, Ja4Label>();
  for (const { line, cells } of csv.rows) {
    const ja4 = (cells.ja4 ?? '').toLowerCase();
    if (!JA4.test(ja4)) return { ok: false, error: `${file}:${line}: not a JA4 fingerprint: '${(cells.ja4 ?? '').slice(0, 60)}'` };
    map.set(ja4, { ja4, label: cells.label ?? '' });
  }
  return { ok: true, value: map };
}
