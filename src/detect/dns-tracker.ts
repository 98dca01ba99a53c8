import { setBounded } from '../core/bounded-map.js';
import type { Counters } from '../core/counters.js';
import type { DnsTransaction, Micros } from '../core/types.js';

/** A name a client resolved to an address, and until when the answer is believed. */
export interface Resolution {
  readonly name: string;
  readonly at: Micros;
  readonly expires: Micros;
}

/**
 * Remembers, per client, which names resolved to which addresses (A/AAAA, following CNAME chains to the
 * name the client asked for), bounded as one LRU over (client, address) pairs. Answers a flow with
 * "this client reached this IP after asking for NAME".
 */
export interface DnsTracker {
  observe(tx: DnsTransaction): void;
  nameFor(clientIp: string, serverIp: string, ts: Micros): Resolution | undefined;
  readonly size: () => number;
}

// Answers are kept a little past their TTL: clients and resolvers cache longer than they should.
const TTL_GRACE = 300 * 1_000_000;
const MIN_TTL = 60 * 1_000_000;

export function createDnsTracker(maxEntries: number, counters: Counters): DnsTracker {
  const map = new Map<string, Resolution>();
  const key = (client: string, ip: string): string => `${client}|${ip}`;
  return {
    observe(tx) {
      if (tx.type !== 'answer') return;
      for (const a of tx.answers) {
        if (a.type !== 'A' && a.type !== 'AAAA') continue;
        const ttl = Math.max(MIN_TTL, a.ttl * 1_000_000);
        const r = { name: tx.questionName.toLowerCase(), at: tx.ts, expires: tx.ts + ttl + TTL_GRACE };
        if (setBounded(map, key(tx.endpoints.clientIp, a.data), r, maxEntries)) counters.inc('detect.dns_tracker_evicted');
      }
    },
    nameFor(clientIp, serverIp, ts) {
      const r = map.get(key(clientIp, serverIp));
      if (!r || r.expires < ts) return undefined;
      return r;
    },
    size: () => map.size,
  };
}
