/**
 * Local networks and named zones: which addresses are "ours" (ECS network.direction, like Zeek's
 * Site::local_nets) and which named zone a host sits in (e.g. `containers`), both over CidrSet so the
 * flow table can ask on every new flow.
 */
import type { NetworkDirection } from '../core/types.js';
import { createCidrSetBuilder, type CidrSet } from './cidr-set.js';

/** RFC 1918, RFC 6598 shared space, loopback, link-local, RFC 4193 unique-local. */
export const DEFAULT_LOCAL_NETS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
];

/** Docker's default bridge and the usual Kubernetes pod network (flannel/kubeadm default). */
export const DEFAULT_ZONES: Readonly<Record<string, readonly string[]>> = {
  containers: ['172.17.0.0/16', '10.244.0.0/16'],
};

/** Local-network and zone answers for addresses. */
export interface Networks {
  /** whether `ip` is in a local network (false for malformed text) */
  isLocal(ip: string): boolean;
  /** ECS direction: both local → internal, source local → outbound, destination local → inbound, else external */
  direction(srcIp: string, dstIp: string): NetworkDirection;
  /** name of the most specific zone holding `ip`, or undefined */
  zoneOf(ip: string): string | undefined;
  /** the prefixes in use (canonical text), for `intel lookup` and start-up logs */
  readonly localNets: readonly string[];
  readonly zones: Readonly<Record<string, readonly string[]>>;
}

export type NetworksResult = { readonly ok: true; readonly networks: Networks } | { readonly ok: false; readonly error: string };

export interface NetworksOptions {
  /** replaces the defaults when given (an empty list means nothing is local) */
  readonly localNets?: readonly string[] | undefined;
  /** replaces the default zones when given */
  readonly zones?: Readonly<Record<string, readonly string[]>> | undefined;
  /** where the settings came from, for error messages */
  readonly origin?: string | undefined;
}

/** Builds local networks and zones; a bad prefix gives an error naming the setting and the entry. */
export function createNetworks(options: NetworksOptions = {}): NetworksResult {
  const origin = options.origin ? `${options.origin}: ` : '';
  const local = createCidrSetBuilder<true>();
  const nets = options.localNets ?? DEFAULT_LOCAL_NETS;
  for (let i = 0; i < nets.length; i++) {
    const r = local.add(nets[i] ?? '', true);
    if (!r.ok) return { ok: false, error: `${origin}local_nets[${i}]: ${r.error}` };
  }
  const zoneSpec = options.zones ?? DEFAULT_ZONES;
  const zones = createCidrSetBuilder<string>();
  for (const [name, prefixes] of Object.entries(zoneSpec)) {
    for (let i = 0; i < prefixes.length; i++) {
      const r = zones.add(prefixes[i] ?? '', name);
      if (!r.ok) return { ok: false, error: `${origin}zones.${name}[${i}]: ${r.error}` };
    }
  }
  const localSet: CidrSet<true> = local.build();
  const zoneSet: CidrSet<string> = zones.build();
  const isLocal = (ip: string): boolean => localSet.match(ip) !== undefined;
  return {
    ok: true,
    networks: {
      isLocal,
      direction(srcIp, dstIp) {
        const s = isLocal(srcIp);
        const d = isLocal(dstIp);
        if (s) return d ? 'internal' : 'outbound';
        return d ? 'inbound' : 'external';
      },
      zoneOf: (ip) => zoneSet.get(ip),
      localNets: localSet.entries().map((e) => e.prefix),
      zones: Object.fromEntries(Object.entries(zoneSpec).map(([k, v]) => [k, [...v]])),
    },
  };
}
