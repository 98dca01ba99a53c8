import { setBounded } from '../core/bounded-map.js';
import type { Counters } from '../core/counters.js';
import type { AppProto, Micros } from '../core/types.js';

/** A connection that an application announced (FTP PASV/EPSV/PORT) and that has not come yet. */
export interface Expectation {
  readonly clientIp: string;
  readonly serverIp: string;
  readonly serverPort: number;
  readonly app: AppProto;
  readonly controlId: string;
  readonly until: Micros;
}

export interface Expectations {
  add(e: Expectation): void;
  /** the expectation a new connection client→server:port fulfils, removed from the table */
  take(clientIp: string, serverIp: string, serverPort: number, now: Micros): Expectation | undefined;
  expire(now: Micros): void;
}

/** Announced connections keyed by server address and port; bounded, oldest dropped first. */
export function createExpectations(max: number, counters: Counters): Expectations {
  // Map keeps insertion order, so the first key is the oldest.
  const table = new Map<string, Expectation>();
  const key = (ip: string, port: number): string => `${ip}|${port}`;
  return {
    add(e) {
      if (setBounded(table, key(e.serverIp, e.serverPort), e, max)) counters.inc('flow.expectation_evicted');
    },
    take(clientIp, serverIp, serverPort, now) {
      const k = key(serverIp, serverPort);
      const e = table.get(k);
      if (!e || e.until < now || (e.clientIp !== clientIp && e.clientIp !== '')) return undefined;
      table.delete(k);
      return e;
    },
    expire(now) {
      for (const [k, e] of table) if (e.until < now) table.delete(k);
    },
  };
}
