/**
 * Loaders for published cloud range files: AWS `ip-ranges.json`, Google Cloud `cloud.json`, Azure
 * Service Tags, and plain prefix lists (Cloudflare `ips-v4` style) with a label. Each returns labelled
 * prefixes for one CidrSet; errors name the file and the line.
 */
import type { CidrSetBuilder } from './cidr-set.js';
import { parsePrefix } from './cidr-set.js';
import { jsonErrorAt } from './json-error.js';

/** What a cloud range says about an address. */
export interface RangeLabel {
  /** e.g. `AWS`, `Google`, `Microsoft`, `Cloudflare` */
  readonly provider: string;
  /** e.g. `AWS S3`, `AWS EC2`, `Azure Storage`, `Google Cloud` */
  readonly service: string;
  /** `cloud-storage` for storage services, else `cloud` / `cdn` / the list's label */
  readonly category: string;
  readonly region?: string;
  /** file the prefix came from */
  readonly source: string;
  /** tie-break when the same prefix is listed twice: higher wins (AWS: S3 3, other services 2, AMAZON 1) */
  readonly rank: number;
}

/** A labelled prefix as loaded (prefix text already validated). */
export interface RangeItem {
  readonly prefix: string;
  readonly label: RangeLabel;
}

export type RangeLoad =
  | { readonly ok: true; readonly items: readonly RangeItem[]; readonly note: string }
  | { readonly ok: false; readonly error: string };

/** Keeps the higher-ranked label of two for the same prefix (the first on a tie). */
export function mergeRangeLabels(a: RangeLabel, b: RangeLabel): RangeLabel {
  return b.rank > a.rank ? b : a;
}

/** Adds loaded items to a builder (they were validated on load, so add cannot fail here). */
export function addRanges(builder: CidrSetBuilder<RangeLabel>, items: readonly RangeItem[]): void {
  for (const it of items) builder.add(it.prefix, it.label);
}

/** 1-based line of the first occurrence of `needle` in `text` (0 when absent). */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 0;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function parseJson(text: string, file: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const { line, reason } = jsonErrorAt(text);
    return { ok: false, error: `${file}${line ? `:${line}` : ''}: invalid JSON (${reason})` };
  }
}

function rec(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

/** Where a bad entry is: `file:line: what[i]` (line found by searching for the entry's prefix text). */
function at(file: string, text: string, what: string, needle: string | undefined): string {
  const line = needle ? lineOf(text, JSON.stringify(needle)) : 0;
  return `${file}${line ? `:${line}` : ''}: ${what}`;
}

function awsLabel(service: string, region: string, file: string): RangeLabel {
  const rank = service === 'S3' ? 3 : service === 'AMAZON' ? 1 : 2;
  const lbl = {
    provider: 'AWS',
    service: service === 'AMAZON' ? 'AWS' : `AWS ${service}`,
    category: service === 'S3' ? 'cloud-storage' : 'cloud',
    source: file,
    rank,
  };
  return region && region !== 'GLOBAL' ? { ...lbl, region } : lbl;
}

/**
 * Parses AWS `ip-ranges.json` (`prefixes[].ip_prefix`, `ipv6_prefixes[].ipv6_prefix`, `region`,
 * `service`). The same prefix is listed once per service; S3 beats other services, which beat AMAZON.
 */
export function parseAwsRanges(text: string, file: string): RangeLoad {
  const j = parseJson(text, file);
  if (!j.ok) return j;
  const root = rec(j.value);
  if (!root || !Array.isArray(root.prefixes)) return { ok: false, error: `${file}: not an AWS ip-ranges.json (no "prefixes" array)` };
  const v6 = root.ipv6_prefixes ?? [];
  if (!Array.isArray(v6)) return { ok: false, error: `${file}: "ipv6_prefixes" is not an array` };
  const items: RangeItem[] = [];
  const lists: [string, unknown[], string][] = [
    ['prefixes', root.prefixes as unknown[], 'ip_prefix'],
    ['ipv6_prefixes', v6 as unknown[], 'ipv6_prefix'],
  ];
  for (const [name, list, key] of lists) {
    for (let i = 0; i < list.length; i++) {
      const e = rec(list[i]);
      const prefix = str(e?.[key]);
      const service = str(e?.service);
      const region = str(e?.region) ?? '';
      if (!e || prefix === undefined || service === undefined) {
        return { ok: false, error: at(file, text, `${name}[${i}] lacks "${key}" or "service"`, prefix) };
      }
      const p = parsePrefix(prefix);
      if (typeof p === 'string' || (key === 'ip_prefix') !== (p.version === 4)) {
        return { ok: false, error: at(file, text, `${name}[${i}]: ${key} '${prefix.slice(0, 60)}' is not a valid IPv${key === 'ip_prefix' ? 4 : 6} prefix`, prefix) };
      }
      items.push({ prefix: p.canonical, label: awsLabel(service, region, file) });
    }
  }
  const date = str(root.createDate) ?? 'unknown date';
  return { ok: true, items, note: `${items.length} AWS prefixes (createDate ${date})` };
}

/** Parses Google Cloud `cloud.json` (`prefixes[]` with `ipv4Prefix` or `ipv6Prefix`, `service`, `scope`). */
export function parseGoogleCloud(text: string, file: string): RangeLoad {
  const j = parseJson(text, file);
  if (!j.ok) return j;
  const root = rec(j.value);
  if (!root || !Array.isArray(root.prefixes)) return { ok: false, error: `${file}: not a Google cloud.json (no "prefixes" array)` };
  const items: RangeItem[] = [];
  const list = root.prefixes as unknown[];
  for (let i = 0; i < list.length; i++) {
    const e = rec(list[i]);
    const prefix = str(e?.ipv4Prefix) ?? str(e?.ipv6Prefix);
    if (!e || prefix === undefined) return { ok: false, error: `${file}: prefixes[${i}] has neither ipv4Prefix nor ipv6Prefix` };
    const p = parsePrefix(prefix);
    if (typeof p === 'string') return { ok: false, error: at(file, text, `prefixes[${i}]: ${p}`, prefix) };
    const scope = str(e.scope);
    const base = { provider: 'Google', service: str(e.service) ?? 'Google Cloud', category: 'cloud', source: file, rank: 2 };
    items.push({ prefix: p.canonical, label: scope && scope !== 'global' ? { ...base, region: scope } : base });
  }
  return { ok: true, items, note: `${items.length} Google Cloud prefixes` };
}

/**
 * Parses Azure Service Tags (`values[].name`, `values[].properties.addressPrefixes[]`). Regional tags
 * (`Storage.WestEurope`) beat global ones (`Storage`), which beat the `AzureCloud` superset.
 */
export function parseAzureServiceTags(text: string, file: string): RangeLoad {
  const j = parseJson(text, file);
  if (!j.ok) return j;
  const root = rec(j.value);
  if (!root || !Array.isArray(root.values)) return { ok: false, error: `${file}: not an Azure Service Tags file (no "values" array)` };
  const items: RangeItem[] = [];
  const list = root.values as unknown[];
  for (let i = 0; i < list.length; i++) {
    const e = rec(list[i]);
    const name = str(e?.name);
    const props = rec(e?.properties);
    const prefixes = props?.addressPrefixes;
    if (!name || !props || !Array.isArray(prefixes)) {
      return { ok: false, error: at(file, text, `values[${i}] lacks "name" or "properties.addressPrefixes"`, name) };
    }
    const [tag = name, regionPart] = name.split('.', 2);
    const region = str(props.region) || regionPart;
    const rank = tag === 'AzureCloud' ? 1 : regionPart ? 3 : 2;
    const base = {
      provider: 'Microsoft',
      service: tag === 'AzureCloud' ? 'Azure' : `Azure ${tag}`,
      category: tag === 'Storage' ? 'cloud-storage' : 'cloud',
      source: file,
      rank,
    };
    for (let k = 0; k < prefixes.length; k++) {
      const prefix = str(prefixes[k]) ?? '';
      const p = parsePrefix(prefix);
      if (typeof p === 'string') return { ok: false, error: at(file, text, `values[${i}] (${name}).addressPrefixes[${k}]: ${p}`, prefix) };
      items.push({ prefix: p.canonical, label: region ? { ...base, region } : base });
    }
  }
  return { ok: true, items, note: `${items.length} Azure prefixes` };
}

/**
 * Parses a plain prefix list: one prefix a line, `#` comments. The label comes from `label` or from
 * header comments `# provider: Cloudflare`, `# service: …`, `# category: …`, `# region: …`.
 */
export function parsePrefixList(text: string, file: string, label?: Partial<RangeLabel>): RangeLoad {
  const head: Record<string, string> = {};
  const prefixes: [string, number][] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*(provider|service|category|region)\s*:\s*(.+)$/i.exec(line);
      if (m?.[1] && m[2]) head[m[1].toLowerCase()] = m[2].trim();
      continue;
    }
    const p = parsePrefix(line);
    if (typeof p === 'string') return { ok: false, error: `${file}:${n + 1}: ${p}` };
    prefixes.push([p.canonical, n + 1]);
  }
  const provider = label?.provider ?? head.provider;
  if (!provider) return { ok: false, error: `${file}: no label (add a '# provider: NAME' line)` };
  const region = label?.region ?? head.region;
  const base = {
    provider,
    service: label?.service ?? head.service ?? provider,
    category: label?.category ?? head.category ?? 'cloud',
    source: file,
    rank: label?.rank ?? 2,
  };
  const lbl: RangeLabel = region ? { ...base, region } : base;
  return { ok: true, items: prefixes.map(([prefix]) => ({ prefix, label: lbl })), note: `${prefixes.length} ${provider} prefixes` };
}
