import type { Counters } from '../core/counters.js';
import type { SensorEvent } from '../core/types.js';
import { matchFilter, type EventFilter } from './filter.js';
import { formatCef } from './format/cef.js';
import { formatJsonBody } from './format/json-body.js';
import { formatRfc3164 } from './format/rfc3164.js';
import { formatRfc5424 } from './format/rfc5424.js';
import { createDropTally, type Sink } from './sink.js';
import { encodeMessage, frame } from './transport/framing.js';
import { createStreamDelivery } from './transport/stream-delivery.js';
import { tcpConnector } from './transport/tcp.js';
import { tlsConnector } from './transport/tls.js';
import { createUdpTransport } from './transport/udp.js';

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

/** Formats of the message body: the table is the documentation. */
export const BODY_FORMATTERS = {
  json: (ev: SensorEvent, observer: string) => formatJsonBody(ev, observer),
  cef: (ev: SensorEvent, observer: string) => formatCef(ev, observer),
} as const satisfies Record<SyslogOptions['body'], (ev: SensorEvent, observer: string) => string>;

/** Builds the whole syslog message (header + body) of an event. */
export function formatSyslogMessage(ev: SensorEvent, o: Pick<SyslogOptions, 'format' | 'body' | 'facility' | 'hostname' | 'structuredData' | 'sdId'>, observerName: string): string {
  const body = BODY_FORMATTERS[o.body](ev, observerName);
  const hostname = o.hostname ?? observerName;
  return o.format === 'rfc3164'
    ? formatRfc3164(ev, body, { facility: o.facility, hostname })
    : formatRfc5424(ev, body, { facility: o.facility, hostname, ...(o.structuredData ? { sdId: o.sdId } : {}) });
}

/**
 * A syslog sink. UDP is best effort (datagrams cut to maxMessageBytes, sends and errors counted);
 * TCP and TLS deliver in order through a bounded memory queue and an optional disk spool, reconnecting
 * with backoff (see transport/stream-delivery.ts). Counters: `output.syslog.dropped.<reason>`,
 * `output.syslog.truncated`, `output.syslog.connect`, `output.syslog.disconnect`, `output.syslog.error.<code>`.
 * Throws a clear Error at creation when a TLS file or the spool directory cannot be opened.
 */
export function createSyslogSink(opts: SyslogOptions, observerName: string, counters: Counters): Sink {
  const drops = createDropTally((r, n) => counters.inc(`output.syslog.dropped.${r}`, n));
  const onDrop = (r: string, n: number): void => { if (n > 0) drops.add(r, n); else counters.inc(`output.syslog.${r}`); };
  const onEvent = (what: string, n: number): void => counters.inc(`output.syslog.${what}`, n);
  const udp = opts.protocol === 'udp' ? createUdpTransport(opts.host, opts.port, opts.queueMaxEvents, onDrop) : undefined;
  const stream = opts.protocol === 'udp' ? undefined : createStreamDelivery({
    connect: opts.protocol === 'tls' ? tlsConnector(opts.host, opts.port, opts.tls) : tcpConnector(opts.host, opts.port),
    queueMaxEvents: opts.queueMaxEvents,
    ...(opts.spoolDir !== undefined ? { spool: { dir: opts.spoolDir, maxBytes: opts.spoolMaxBytes, segmentBytes: opts.spoolSegmentBytes } } : {}),
    reconnectMinMs: opts.reconnectMinMs,
    reconnectMaxMs: opts.reconnectMaxMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    onDrop,
    onEvent,
  });
  return {
    name: opts.name,
    write(ev) {
      if (!matchFilter(opts.filter, ev)) return;
      let msg: string;
      try {
        msg = formatSyslogMessage(ev, opts, observerName);
      } catch {
        drops.add('format_error');
        return;
      }
      const enc = encodeMessage(msg, opts.maxMessageBytes);
      if (enc.truncated) counters.inc('output.syslog.truncated');
      if (udp !== undefined) udp.send(enc.bytes);
      else stream?.send(frame(enc.bytes, opts.framing), ev.type === 'alert');
    },
    async close(timeoutMs) {
      try {
        await (udp ?? stream)?.close(timeoutMs);
      } catch {
        drops.add('close_error');
      }
    },
    stats: () => ({
      written: udp?.sent() ?? stream?.written() ?? 0,
      queued: udp?.pending() ?? stream?.queued() ?? 0,
      spooled: stream?.spooled() ?? 0,
      dropped: drops.record(),
    }),
  };
}
