/**
 * Allowlist: sanctioned sources, destinations and source→destination pairs (e.g. the backup server
 * 10.0.5.20 to AWS S3), each with an id, an optional reason and an optional expiry compared with the
 * event time (never the wall clock). Detection lowers or suppresses alerts that match and names the id.
 */
import { z } from 'zod';
import type { Micros } from '../core/types.js';
import { createCidrSetBuilder, type CidrSet } from './cidr-set.js';
import { createDomainSet, checkRule, type DomainSet } from './domain-set.js';
import { parseAsn } from './asn-source.js';

/** Zod schema of one allowlist entry in the YAML config (snake_case keys, unknown keys rejected). */
export const allowlistEntrySchema = z.strictObject({
  id: z.string().min(1).max(128),
  reason: z.string().max(1024).optional(),
  /** `YYYY-MM-DD` (valid through that day, UTC) or an ISO 8601 instant */
  expires: z.union([z.string(), z.date()]).optional(),
  /** host IPs or CIDRs */
  source: z.array(z.string()).optional(),
  destination: z
    .strictObject({
      cidrs: z.array(z.string()).optional(),
      asns: z.array(z.union([z.number().int(), z.string()])).optional(),
      /** suffixes: `backup.example.com` also covers `eu.backup.example.com` */
      domains: z.array(z.string()).optional(),
      /** provider or service names as intel labels them: `AWS`, `AWS S3`, `MEGA` (case-insensitive) */
      providers: z.array(z.string()).optional(),
    })
    .optional(),
});

/** Zod schema of the `allowlist:` config section. */
export const allowlistSchema = z.array(allowlistEntrySchema).default([]);

/** One entry as the config file gives it. */
export type AllowlistEntryConfig = z.infer<typeof allowlistEntrySchema>;

/** A compiled entry, as `match` returns it. */
export interface AllowlistEntry {
  readonly id: string;
  readonly reason?: string;
  /** first instant (µs since epoch) at which the entry no longer applies */
  readonly expiresAt?: Micros;
  readonly kind: 'source' | 'destination' | 'pair';
}

/** The far side of a flow, as intel described it. */
export interface AllowlistDestination {
  readonly ip: string;
  readonly asn?: number | undefined;
  readonly domain?: string | undefined;
  /** intel provider (`AWS`) and/or service (`AWS S3`): an entry naming either matches */
  readonly provider?: string | undefined;
  readonly service?: string | undefined;
}

/** A compiled allowlist. Entries are tried in file order; the first that applies is returned. */
export interface Allowlist {
  readonly entries: readonly AllowlistEntry[];
  /** the first unexpired entry covering this source and destination at event time `ts`, or undefined */
  match(srcIp: string, dest: AllowlistDestination, ts: Micros): AllowlistEntry | undefined;
}

interface Compiled {
  readonly entry: AllowlistEntry;
  readonly source?: CidrSet<true>;
  readonly cidrs?: CidrSet<true>;
  readonly asns?: ReadonlySet<number>;
  readonly domains?: DomainSet;
  readonly providers?: ReadonlySet<string>;
  readonly hasDestination: boolean;
}

export type AllowlistResult = { readonly ok: true; readonly allowlist: Allowlist } | { readonly ok: false; readonly error: string };

/** Parses an expiry into the first µs at which the entry stops applying; undefined when invalid. */
export function parseExpiry(value: string | Date): Micros | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime() * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(day) ? undefined : (day + 86_400_000) * 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t * 1000;
}

function cidrSet(list: readonly string[], where: string): CidrSet<true> | string {
  const b = createCidrSetBuilder<true>();
  for (let i = 0; i < list.length; i++) {
    const r = b.add(list[i] ?? '', true);
    if (!r.ok) return `${where}[${i}]: ${r.error}`;
  }
  return b.build();
}

/**
 * Validates and compiles the `allowlist:` section (raw, as read from YAML).
 * @param file the config file, named in every error with the entry index and id
 */
export function compileAllowlist(raw: unknown, file: string): AllowlistResult {
  const parsed = allowlistSchema.safeParse(raw ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    const idx = typeof path[0] === 'number' ? path[0] : undefined;
    const id = idx !== undefined && Array.isArray(raw) ? (raw[idx] as { id?: unknown } | undefined)?.id : undefined;
    const where = `allowlist${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
    return { ok: false, error: `${file}: ${where}${typeof id === 'string' ? ` (id '${id}')` : ''}: ${issue?.message ?? 'invalid'}` };
  }
  const compiled: Compiled[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < parsed.data.length; i++) {
    const e = parsed.data[i];
    if (!e) continue;
    const at = `${file}: allowlist[${i}] (id '${e.id}')`;
    if (ids.has(e.id)) return { ok: false, error: `${at}: id used twice` };
    ids.add(e.id);
    const d = e.destination;
    const hasDestination = !!d && [d.cidrs, d.asns, d.domains, d.providers].some((x) => x !== undefined && x.length > 0);
    const hasSource = !!e.source && e.source.length > 0;
    if (!hasSource && !hasDestination) return { ok: false, error: `${at}: needs a source, a destination or both` };
    let expiresAt: Micros | undefined;
    if (e.expires !== undefined) {
      expiresAt = parseExpiry(e.expires);
      if (expiresAt === undefined) return { ok: false, error: `${at}: expires '${String(e.expires)}' is not YYYY-MM-DD or an ISO 8601 time` };
    }
    const c: {
      entry: AllowlistEntry;
      hasDestination: boolean;
      source?: CidrSet<true>;
      cidrs?: CidrSet<true>;
      asns?: Set<number>;
      domains?: DomainSet;
      providers?: Set<string>;
    } = {
      entry: {
        id: e.id,
        kind: hasSource && hasDestination ? 'pair' : hasSource ? 'source' : 'destination',
        ...(e.reason !== undefined ? { reason: e.reason } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      },
      hasDestination,
    };
    if (hasSource) {
      const s = cidrSet(e.source ?? [], `${at}: source`);
      if (typeof s === 'string') return { ok: false, error: s };
      c.source = s;
    }
    if (d?.cidrs?.length) {
      const s = cidrSet(d.cidrs, `${at}: destination.cidrs`);
      if (typeof s === 'string') return { ok: false, error: s };
      c.cidrs = s;
    }
    if (d?.asns?.length) {
      const asns = new Set<number>();
      for (let k = 0; k < d.asns.length; k++) {
        const n = parseAsn(String(d.asns[k]));
        if (n < 0) return { ok: false, error: `${at}: destination.asns[${k}]: not an AS number: '${String(d.asns[k])}'` };
        asns.add(n);
      }
      c.asns = asns;
    }
    if (d?.domains?.length) {
      const rules: [string, { provider: string; service: string; category: 'cloud'; role: 'web' }][] = [];
      for (let k = 0; k < d.domains.length; k++) {
        const name = (d.domains[k] ?? '').toLowerCase().replace(/\.$/, '');
        const bad = checkRule(name) ?? (name.includes('{') ? 'placeholders are not allowed here' : undefined);
        if (bad) return { ok: false, error: `${at}: destination.domains[${k}]: ${bad}` };
        rules.push([name, { provider: e.id, service: e.id, category: 'cloud', role: 'web' }]);
      }
      c.domains = createDomainSet(rules);
    }
    if (d?.providers?.length) c.providers = new Set(d.providers.map((p) => p.toLowerCase()));
    compiled.push(c);
  }
  return { ok: true, allowlist: build(compiled) };
}

function destinationMatches(c: Compiled, dest: AllowlistDestination): boolean {
  if (c.cidrs?.match(dest.ip)) return true;
  if (c.asns && dest.asn !== undefined && c.asns.has(dest.asn)) return true;
  if (c.domains && dest.domain && c.domains.match(dest.domain)) return true;
  if (c.providers) {
    if (dest.provider && c.providers.has(dest.provider.toLowerCase())) return true;
    if (dest.service && c.providers.has(dest.service.toLowerCase())) return true;
  }
  return false;
}

function build(compiled: readonly Compiled[]): Allowlist {
  return {
    entries: compiled.map((c) => c.entry),
    match(srcIp, dest, ts) {
      for (const c of compiled) {
        if (c.entry.expiresAt !== undefined && ts >= c.entry.expiresAt) continue;
        if (c.source && !c.source.match(srcIp)) continue;
        if (c.hasDestination && !destinationMatches(c, dest)) continue;
        return c.entry;
      }
      return undefined;
    },
  };
}
