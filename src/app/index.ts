import type { AppProto } from '../core/types.js';
import { createDnsObserver, DEFAULT_DNS_OPTIONS, type DnsObserverOptions, type DnsState } from './dns.js';
import { createFtpObserver, DEFAULT_FTP_OPTIONS, type FtpObserverOptions, type FtpState } from './ftp.js';
import { createHttpObserver, DEFAULT_HTTP_OPTIONS, type HttpObserverOptions, type HttpState } from './http.js';
import type { AppObserver } from './observer.js';
import { createTlsObserver, DEFAULT_TLS_OPTIONS, type TlsObserverOptions, type TlsState } from './tls.js';

/** Bounds of every observer, one group per protocol (each key optional: defaults fill the rest). */
export interface ObserverOptions {
  readonly dns?: Partial<DnsObserverOptions>;
  readonly tls?: Partial<TlsObserverOptions>;
  readonly http?: Partial<HttpObserverOptions>;
  readonly ftp?: Partial<FtpObserverOptions>;
}

/** The four observers, keyed by the protocol they produce events for. */
export interface Observers {
  readonly dns: AppObserver<DnsState>;
  readonly tls: AppObserver<TlsState>;
  readonly http: AppObserver<HttpState>;
  readonly ftp: AppObserver<FtpState>;
}

/** Observers the flow table can attach to a flow (`ftp-data` flows are tied by FTP's expect, not observed). */
export type ObservedProto = keyof Observers & AppProto;

/**
 * Order in which the flow table should ask `accepts`: port-bound protocols first (DNS on 53, FTP on 21),
 * then the content-sniffed ones (TLS, HTTP), which never both accept the same first bytes.
 */
export const OBSERVER_ORDER = ['dns', 'ftp', 'tls', 'http'] as const satisfies readonly ObservedProto[];

/** Build the observers with the given bounds. */
export function createObservers(opts: ObserverOptions = {}): Observers {
  return {
    dns: createDnsObserver({ ...DEFAULT_DNS_OPTIONS, ...opts.dns }),
    tls: createTlsObserver({ ...DEFAULT_TLS_OPTIONS, ...opts.tls }),
    http: createHttpObserver({ ...DEFAULT_HTTP_OPTIONS, ...opts.http }),
    ftp: createFtpObserver({ ...DEFAULT_FTP_OPTIONS, ...opts.ftp }),
  };
}

/** The observers with default bounds, in `OBSERVER_ORDER` (an observer's state type is opaque to the table). */
export const OBSERVERS: readonly AppObserver<unknown>[] = (() => {
  const o = createObservers();
  return OBSERVER_ORDER.map((k) => o[k] as AppObserver<unknown>);
})();
