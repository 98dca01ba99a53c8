/**
 * CidrSet: longest-prefix match over IPv4 and IPv6 prefixes.
 *
 * Built once from a list of prefixes (validated by the `ip-cidr` package), then flattened into
 * disjoint sorted ranges: each range knows its most specific covering prefix. A lookup is one binary
 * search (log2 of the range count: about 17 steps for 50,000 prefixes) with no allocation. The set is
 * immutable; a reload builds a new one.
 */
import IPCIDR from 'ip-cidr';
import { newParsedIp, parseIp } from './ip-parse.js';

/** One prefix with its label, as stored (the same object is returned by every lookup that hits it). */
export interface CidrEntry<T> {
  /** canonical text, e.g. `52.216.0.0/15` (host bits cleared) */
  readonly prefix: string;
  readonly version: 4 | 6;
  readonly length: number;
  readonly value: T;
}

/** A read-only longest-prefix-match table. */
export interface CidrSet<T> {
  /** number of distinct prefixes */
  readonly size: number;
  /** most specific entry covering `ip` (IPv4 or IPv6 text), or undefined (also for malformed text) */
  match(ip: string): CidrEntry<T> | undefined;
  /** the value of {@link CidrSet.match} */
  get(ip: string): T | undefined;
  /** the same for raw address bytes (4 or 16, network order), as decoders hand them on */
  matchBytes(addr: Uint8Array): CidrEntry<T> | undefined;
  /** every entry, in insertion order */
  entries(): readonly CidrEntry<T>[];
}

/** What a builder says about one rejected prefix. */
export type AddResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Collects prefixes, then builds a {@link CidrSet}. */
export interface CidrSetBuilder<T> {
  /**
   * Adds a prefix (`a.b.c.d/n`, `x::/n`; a bare address counts as /32 or /128). A prefix already
   * present is resolved by the `merge` option (default: the first one stays).
   */
  add(prefix: string, value: T): AddResult;
  build(): CidrSet<T>;
}

export interface CidrSetOptions<T> {
  /** picks the value to keep when the same prefix is added twice */
  readonly merge?: (existing: T, incoming: T) => T;
}

interface Pending<T> {
  prefix: string;
  version: 4 | 6;
  length: number;
  start: bigint;
  value: T;
}

/** Parses and validates one prefix with `ip-cidr`; returns its start address and length. */
export function parsePrefix(text: string): { version: 4 | 6; start: bigint; length: number; canonical: string } | string {
  const raw = text.trim();
  const withLen = raw.includes('/') ? raw : `${raw}/${raw.includes(':') ? 128 : 32}`;
  if (!IPCIDR.isValidCIDR(withLen)) return `not a valid IP prefix: '${raw.slice(0, 80)}'`;
  const cidr = new IPCIDR(withLen);
  const version: 4 | 6 = cidr.address.v4 ? 4 : 6;
  const length = cidr.address.subnetMask;
  const start = BigInt(cidr.start<bigint>({ type: 'bigInteger' }) as bigint);
  const canonical = `${formatAddress(version, start)}/${length}`;
  return { version, start, length, canonical };
}

/** Text of an address held as a bigint (IPv6 in the shortest RFC 5952 form). */
export function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    const n = Number(value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

/** Creates a builder for a {@link CidrSet}. */
export function createCidrSetBuilder<T>(options: CidrSetOptions<T> = {}): CidrSetBuilder<T> {
  const byKey = new Map<string, Pending<T>>();
  return {
    add(prefix, value) {
      const p = parsePrefix(prefix);
      if (typeof p === 'string') return { ok: false, error: p };
      const have = byKey.get(p.canonical);
      if (have) {
        have.value = options.merge ? options.merge(have.value, value) : have.value;
        return { ok: true };
      }
      byKey.set(p.canonical, { prefix: p.canonical, version: p.version, length: p.length, start: p.start, value });
      return { ok: true };
    },
    build() {
      return buildSet([...byKey.values()]);
    },
  };
}

/** Builds a set from prefix/value pairs, throwing on an invalid prefix (for literals in code and tests). */
export function cidrSetOf<T>(pairs: Iterable<readonly [string, T]>, options: CidrSetOptions<T> = {}): CidrSet<T> {
  const b = createCidrSetBuilder<T>(options);
  for (const [p, v] of pairs) {
    const r = b.add(p, v);
    if (!r.ok) throw new Error(r.error);
  }
  return b.build();
}

interface Flat {
  /** range starts, ascending; range i covers [starts[i], starts[i+1]) */
  starts: bigint[];
  /** entry index per range, -1 where no prefix covers it */
  owners: number[];
}

// Flattens nested/disjoint CIDRs (they never partially overlap) into disjoint ranges with a stack sweep.
function flatten(items: { start: bigint; end: bigint; index: number; length: number }[]): Flat {
  items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.length - b.length));
  const starts: bigint[] = [0n];
  const owners: number[] = [-1];
  const emit = (pos: bigint, owner: number): void => {
    const last = starts.length - 1;
    if (starts[last] === pos) {
      owners[last] = owner;
      if (last > 0 && owners[last - 1] === owner) {
        starts.pop();
        owners.pop();
      }
      return;
    }
    if (owners[last] === owner) return;
    starts.push(pos);
    owners.push(owner);
  };
  const stack: { end: bigint; index: number }[] = [];
  const close = (before: bigint | undefined): void => {
    for (let top = stack[stack.length - 1]; top && (before === undefined || top.end < before); top = stack[stack.length - 1]) {
      stack.pop();
      emit(top.end + 1n, stack[stack.length - 1]?.index ?? -1);
    }
  };
  for (const it of items) {
    close(it.start);
    stack.push({ end: it.end, index: it.index });
    emit(it.start, it.index);
  }
  close(undefined);
  return { starts, owners };
}

function buildSet<T>(pending: Pending<T>[]): CidrSet<T> {
  const all: CidrEntry<T>[] = pending.map((p) => ({ prefix: p.prefix, version: p.version, length: p.length, value: p.value }));
  const v4items: { start: bigint; end: bigint; index: number; length: number }[] = [];
  const v6items: { start: bigint; end: bigint; index: number; length: number }[] = [];
  pending.forEach((p, index) => {
    const bits = p.version === 4 ? 32 : 128;
    const end = p.start + (1n << BigInt(bits - p.length)) - 1n;
    (p.version === 4 ? v4items : v6items).push({ start: p.start, end, index, length: p.length });
  });
  const f4 = flatten(v4items);
  const f6 = flatten(v6items);
  // the range past the last address of the family starts at 2^bits: drop it (it has no addresses)
  const trim = (f: Flat, bits: number): void => {
    const lim = 1n << BigInt(bits);
    while (f.starts.length > 0 && (f.starts[f.starts.length - 1] ?? 0n) >= lim) {
      f.starts.pop();
      f.owners.pop();
    }
  };
  trim(f4, 32);
  trim(f6, 128);
  const s4 = new Float64Array(f4.starts.map((x) => Number(x)));
  const o4 = Int32Array.from(f4.owners);
  const s6 = new Uint32Array(f6.starts.length * 4);
  f6.starts.forEach((x, i) => {
    for (let w = 0; w < 4; w++) s6[i * 4 + w] = Number((x >> BigInt((3 - w) * 32)) & 0xffffffffn);
  });
  const o6 = Int32Array.from(f6.owners);
  const scratch = newParsedIp();
  const key6 = new Uint32Array(4);

  const find4 = (a: number): CidrEntry<T> | undefined => {
    let lo = 0;
    let hi = s4.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((s4[mid] ?? 0) <= a) lo = mid;
      else hi = mid - 1;
    }
    const owner = o4[lo] ?? -1;
    return owner < 0 ? undefined : all[owner];
  };
  const cmp6 = (i: number, k: Uint32Array): number => {
    for (let w = 0; w < 4; w++) {
      const a = s6[i * 4 + w] ?? 0;
      const b = k[w] ?? 0;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  };
  const find6 = (k: Uint32Array): CidrEntry<T> | undefined => {
    let lo = 0;
    let hi = o6.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cmp6(mid, k) <= 0) lo = mid;
      else hi = mid - 1;
    }
    const owner = o6[lo] ?? -1;
    return owner < 0 ? undefined : all[owner];
  };
  const match = (ip: string): CidrEntry<T> | undefined => {
    const kind = parseIp(ip, scratch);
    if (kind === 4) return find4(scratch.v4);
    if (kind === 6) return find6(scratch.v6);
    return undefined;
  };
  return {
    size: all.length,
    match,
    get: (ip) => match(ip)?.value,
    matchBytes(addr) {
      if (addr.length === 4) return find4(((addr[0] ?? 0) * 16777216) + (((addr[1] ?? 0) << 16) | ((addr[2] ?? 0) << 8) | (addr[3] ?? 0)));
      if (addr.length !== 16) return undefined;
      for (let w = 0; w < 4; w++) {
        const o = w * 4;
        key6[w] = (((addr[o] ?? 0) << 24) | ((addr[o + 1] ?? 0) << 16) | ((addr[o + 2] ?? 0) << 8) | (addr[o + 3] ?? 0)) >>> 0;
      }
      if (key6[0] === 0 && key6[1] === 0 && key6[2] === 0xffff) return find4(key6[3] ?? 0);
      return find6(key6);
    },
    entries: () => all,
  };
}
