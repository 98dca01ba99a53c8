/**
 * The intel facade the sensor holds: enrichment of destinations (ASN, cloud range, domain family),
 * local networks and zones, the allowlist, and reload on SIGHUP that keeps the old data on error.
 */
import type { Counters } from '../core/counters.js';
import type { DestinationIntel, Micros, NetworkDirection } from '../core/types.js';
import { compileAllowlist, type Allowlist, type AllowlistDestination, type AllowlistEntry } from './allowlist.js';
import type { AsnAnswer } from './asn-db.js';
import type { Ja4Label } from './domain-loader.js';
import { nameLabels, type DomainMatch } from './domain-set.js';
import { loadSnapshot, type IntelSnapshot } from './load.js';
import { createNetworks, type Networks } from './networks.js';
import { defaultIntelDir } from './paths.js';
import type { RangeLabel } from './range-loaders.js';

export interface IntelOptions {
  /** a user ASN .mmdb (GeoLite2-ASN, GeoIP2-ISP…); its answers win over the embedded default */
  readonly asnDbPath?: string | undefined;
  /** folder with the intel files (default: the shipped intel/) */
  readonly intelDir?: string | undefined;
  /** raw `allowlist:` config section (validated here) */
  readonly allowlist?: unknown;
  /** the config file, named in allowlist and network errors */
  readonly configFile?: string | undefined;
  /** replaces the default local networks (RFC 1918 and friends) */
  readonly localNets?: readonly string[] | undefined;
  /** replaces the default zones (`containers`) */
  readonly zones?: Readonly<Record<string, readonly string[]>> | undefined;
  /** bound on cached ASN answers per database (default 10,000) */
  readonly asnCacheSize?: number | undefined;
  readonly counters?: Counters | undefined;
}

/** An ASN answer with the database it came from. */
export interface AsnFinding extends AsnAnswer {
  readonly from: 'user' | 'embedded';
  readonly path: string;
}

/** Everything intel can say about an address (for `intel lookup`). */
export interface IpReport {
  readonly ip: string;
  readonly userAsn?: AsnAnswer;
  readonly embeddedAsn?: AsnAnswer;
  readonly asnProvider?: { readonly provider: string; readonly service: string; readonly category: string };
  readonly range?: { readonly prefix: string } & RangeLabel;
  readonly local: boolean;
  readonly zone?: string;
  readonly enrich: DestinationIntel;
}

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** The intel the sensor consults. All lookups are synchronous; `reload` swaps data atomically. */
export interface Intel {
  /** what is known of a destination; `domain` is the DNS name, SNI or Host that led to it */
  enrich(ip: string, domain?: string): DestinationIntel;
  /** the catalogue's label for a DNS name */
  classifyDomain(name: string): DomainMatch | undefined;
  /** the most specific cloud range holding `ip` */
  classifyIp(ip: string): ({ readonly prefix: string } & RangeLabel) | undefined;
  /** the AS of `ip`, user database first */
  asn(ip: string): AsnFinding | undefined;
  /** a known TLS client fingerprint (weak corroboration only) */
  ja4(fingerprint: string): Ja4Label | undefined;
  direction(srcIp: string, dstIp: string): NetworkDirection;
  isLocal(ip: string): boolean;
  zoneOf(ip: string): string | undefined;
  /** the first allowlist entry that applies at event time `ts`, or undefined */
  allowlisted(srcIp: string, dest: AllowlistDestination, ts: Micros): AllowlistEntry | undefined;
  readonly allowlist: Allowlist;
  /** everything every source says about an address */
  reportIp(ip: string): IpReport;
  /** one line per loaded source */
  readonly notes: readonly string[];
  /** re-reads every file (and applies changed options); on any error keeps the old data and says why */
  reload(changes?: Partial<IntelOptions>): Promise<ReloadResult>;
}

export type CreateIntelResult = { readonly ok: true; readonly intel: Intel } | { readonly ok: false; readonly error: string };

interface State {
  readonly snap: IntelSnapshot;
  readonly networks: Networks;
  readonly allowlist: Allowlist;
}

async function loadState(o: IntelOptions): Promise<{ ok: true; state: State } | { ok: false; error: string }> {
  const origin = o.configFile ?? 'config';
  const nets = createNetworks({ localNets: o.localNets, zones: o.zones, origin });
  if (!nets.ok) return nets;
  const allow = compileAllowlist(o.allowlist ?? [], origin);
  if (!allow.ok) return allow;
  const snap = await loadSnapshot({ intelDir: o.intelDir ?? defaultIntelDir(), asnDbPath: o.asnDbPath, asnCacheSize: o.asnCacheSize, counters: o.counters });
  if (!snap.ok) return snap;
  return { ok: true, state: { snap: snap.snapshot, networks: nets.networks, allowlist: allow.allowlist } };
}

/**
 * Loads all intel. Fails (never throws) with one message naming the file and entry when the user
 * .mmdb is missing or not an ASN database, or an intel file, allowlist entry or network is bad.
 */
export async function createIntel(options: IntelOptions = {}): Promise<CreateIntelResult> {
  let opts = options;
  const first = await loadState(opts);
  if (!first.ok) return first;
  let st = first.state;
  const counters = opts.counters;

  const asn = (ip: string): AsnFinding | undefined => {
    const u = st.snap.userAsn;
    const ua = u?.lookup(ip);
    if (u && ua) return { ...ua, from: 'user', path: u.path };
    const e = st.snap.embeddedAsn;
    const ea = e?.lookup(ip);
    if (e && ea) return { ...ea, from: 'embedded', path: e.path };
    return undefined;
  };

  const enrich = (ip: string, domain?: string): DestinationIntel => {
    const s = st.snap;
    const a = s.userAsn?.lookup(ip) ?? s.embeddedAsn?.lookup(ip);
    const range = s.ranges.get(ip);
    let name: string | undefined;
    let dm: DomainMatch | undefined;
    if (domain !== undefined && domain !== '') {
      if (nameLabels(domain)) {
        name = domain.toLowerCase().replace(/\.$/, '');
        dm = s.domains.match(name);
      } else {
        counters?.inc('intel.bad_domain');
      }
    }
    const prov = a ? s.asnProviders.get(a.asNumber) : undefined;
    // a generic domain rule (amazonaws.com → AWS) says less than the range (AWS S3 us-east-1)
    const label = dm && !(range && (dm.category === 'cloud' || dm.category === 'cdn')) ? dm : (range ?? dm ?? prov);
    const out: { -readonly [K in keyof DestinationIntel]: DestinationIntel[K] } = {};
    if (a) {
      out.asNumber = a.asNumber;
      out.asOrganization = a.asOrganization;
    }
    if (name !== undefined) out.domain = name;
    if (label) {
      out.provider = label.provider;
      out.service = label.service;
      out.category = label.category;
    }
    const region = dm?.region ?? range?.region;
    if (region !== undefined) out.region = region;
    return out;
  };

  const intel: Intel = {
    enrich,
    classifyDomain: (name) => st.snap.domains.match(name),
    classifyIp(ip) {
      const m = st.snap.ranges.match(ip);
      return m ? { prefix: m.prefix, ...m.value } : undefined;
    },
    asn,
    ja4: (fp) => st.snap.ja4.get(fp.toLowerCase()),
    direction: (a, b) => st.networks.direction(a, b),
    isLocal: (ip) => st.networks.isLocal(ip),
    zoneOf: (ip) => st.networks.zoneOf(ip),
    allowlisted: (src, dest, ts) => st.allowlist.match(src, dest, ts),
    get allowlist() {
      return st.allowlist;
    },
    reportIp(ip) {
      const s = st.snap;
      const userAsn = s.userAsn?.lookup(ip);
      const embeddedAsn = s.embeddedAsn?.lookup(ip);
      const a = userAsn ?? embeddedAsn;
      const prov = a ? s.asnProviders.get(a.asNumber) : undefined;
      const range = intel.classifyIp(ip);
      const zone = st.networks.zoneOf(ip);
      return {
        ip,
        ...(userAsn ? { userAsn } : {}),
        ...(embeddedAsn ? { embeddedAsn } : {}),
        ...(prov ? { asnProvider: { provider: prov.provider, service: prov.service, category: prov.category } } : {}),
        ...(range ? { range } : {}),
        local: st.networks.isLocal(ip),
        ...(zone ? { zone } : {}),
        enrich: enrich(ip),
      };
    },
    get notes() {
      return st.snap.notes;
    },
    async reload(changes = {}) {
      const next = { ...opts, ...changes };
      const r = await loadState(next);
      if (!r.ok) {
        counters?.inc('intel.reload_failed');
        return { ok: false, error: `reload failed, keeping the previous intel: ${r.error}` };
      }
      opts = next;
      st = r.state;
      return { ok: true };
    },
  };
  return { ok: true, intel };
}
