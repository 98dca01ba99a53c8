import type { Counters } from '../core/counters.js';
import type { EventFilter } from './filter.js';
import { createDropTally, type Sink } from './sink.js';

/** TLS options of a syslog sink (RFC 5425). */
export interface SyslogTlsOptions {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly servername?: string;
  /** verify the receiver's certificate and name (default true) */
  readonly verify: boolean;
}

/** Runtime options of a syslog sink (config.ts maps the snake_case config onto these). */
export interface SyslogOptions {
  readonly name: string;
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly host: string;
  readonly port: number;
  readonly format: 'rfc5424' | 'rfc3164';
  readonly body: 'json' | 'cef';
  /** 0–23 */
  readonly facility: number;
  /** HOSTNAME override; the observer name when absent */
  readonly hostname?: string;
  readonly structuredData: boolean;
  readonly sdId: string;
  readonly framing: 'octet_counting' | 'lf';
  /** longest message in bytes (header + body); longer ones are cut at a safe boundary */
  readonly maxMessageBytes: number;
  readonly tls: SyslogTlsOptions;
  /** events held in memory */
  readonly queueMaxEvents: number;
  readonly spoolDir?: string;
  readonly spoolMaxBytes: number;
  readonly spoolSegmentBytes: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly connectTimeoutMs: number;
  readonly filter?: EventFilter;
}

/** A syslog sink (work in progress: this placeholder counts every event as dropped). */
export function createSyslogSink(opts: SyslogOptions, _observerName: string, counters: Counters): Sink {
  const drops = createDropTally((r, n) => counters.inc(`output.syslog.dropped.${r}`, n));
  return {
    name: opts.name,
    write: () => drops.add('not_implemented'),
    close: async () => {},
    stats: () => ({ written: 0, queued: 0, spooled: 0, dropped: drops.record() }),
  };
}
