import { z } from 'zod';
import type { Counters } from '../core/counters.js';
import type { SensorEventType } from '../core/types.js';
import { DATASETS } from './ecs.js';
import type { EventFilter } from './filter.js';
import { createJsonlSink, JSONL_MAX_QUEUE_BYTES } from './jsonl.js';
import type { Sink } from './sink.js';
import { createSyslogSink, type SyslogOptions } from './syslog.js';
import { DEFAULT_SYSLOG_PORTS, parseSyslogUrl } from './syslog-url.js';

export { parseSyslogUrl } from './syslog-url.js';
export type { SyslogTarget, SyslogUrlResult } from './syslog-url.js';

const EVENT_TYPES = Object.keys(DATASETS) as [SensorEventType, ...SensorEventType[]];

/** Syslog facility names (RFC 5424 table 1) and their codes. */
export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, security: 13, console: 14, solaris_cron: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;

const typeOrDataset = z.string().transform((s, ctx) => {
  const t = s.startsWith('exfilwatch.') ? s.slice('exfilwatch.'.length) : s;
  if ((EVENT_TYPES as readonly string[]).includes(t)) return t as SensorEventType;
  ctx.addIssue({ code: 'custom', message: `unknown event type ${JSON.stringify(s)} (one of ${EVENT_TYPES.join(', ')})` });
  return z.NEVER;
});

/** `filter:` of a sink; absent keys take everything. */
export const filterSchema = z.strictObject({
  /** event types or datasets, e.g. [alert] or [exfilwatch.alert, exfilwatch.flow] */
  types: z.array(typeOrDataset).min(1).optional(),
  /** alerts below this risk score (0–100) are left out */
  min_risk_score: z.number().min(0).max(100).optional(),
  /** alert lifecycle actions kept */
  actions: z.array(z.enum(['new', 'escalated', 'summary'])).min(1).optional(),
});

const bytes = z.number().int().min(0);
const posInt = z.number().int().positive();

/** `type: jsonl` — JSON lines to a file (rotated by size) or stdout. */
export const jsonlSchema = z.strictObject({
  type: z.literal('jsonl'),
  /** file path; absent or `-` writes to stdout */
  path: z.string().min(1).optional(),
  /** rotate past this size; 0 turns rotation off */
  rotate_bytes: bytes.default(100 * 1024 * 1024),
  /** rotated files kept (path.1 … path.N) */
  keep: z.number().int().min(0).max(1000).default(5),
  /** slow reader: wait (replay) or drop and count (live) */
  on_full: z.enum(['wait', 'drop']).default('wait'),
  max_queue_bytes: posInt.default(JSONL_MAX_QUEUE_BYTES),
  filter: filterSchema.optional(),
});

/** `tls:` options of a syslog sink (RFC 5425). Verification is on unless turned off. */
export const tlsSchema = z.strictObject({
  /** PEM file of the CA(s) that signed the receiver; the system store when absent */
  ca_file: z.string().min(1).optional(),
  /** PEM client certificate and key, for receivers that ask for mutual TLS */
  cert_file: z.string().min(1).optional(),
  key_file: z.string().min(1).optional(),
  /** name checked against the receiver's certificate (and sent as SNI); the host when absent */
  servername: z.string().min(1).optional(),
  /** false accepts any certificate: for lab use only */
  verify: z.boolean().default(true),
});

/** `type: syslog` — RFC 5424/3164 over UDP, TCP or TLS; JSON or CEF body. */
export const syslogSchema = z.strictObject({
  type: z.literal('syslog'),
  /** udp://host:514, tcp://host:514, tls://host:6514 — or protocol/host/port */
  url: z.string().optional(),
  protocol: z.enum(['udp', 'tcp', 'tls']).default('tcp'),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  /** header format */
  format: z.enum(['rfc5424', 'rfc3164']).default('rfc5424'),
  /** message body: the ECS JSON document or a CEF record */
  body: z.enum(['json', 'cef']).default('json'),
  facility: z.union([z.enum(Object.keys(FACILITIES) as [keyof typeof FACILITIES, ...(keyof typeof FACILITIES)[]]), z.number().int().min(0).max(23)]).default('local0'),
  /** HOSTNAME; observer_name when absent */
  hostname: z.string().min(1).optional(),
  /** RFC 5424 STRUCTURED-DATA element with rule, score and flow keys */
  structured_data: z.boolean().default(true),
  /** SD-ID of that element (name@private-enterprise-number) */
  sd_id: z.string().regex(/^[!-~]{1,32}$/).refine((s) => !/[=\] "]/.test(s), 'SD-ID may not hold = ] space or "').default('exfilwatch@32473'),
  /** TCP/TLS framing: RFC 6587 octet counting, or one message per line */
  framing: z.enum(['octet_counting', 'lf']).default('octet_counting'),
  /** messages longer than this are cut at a safe boundary; default 2048 for UDP, 65536 otherwise */
  max_message_bytes: z.number().int().min(480).max(1024 * 1024).optional(),
  tls: tlsSchema.prefault({}),
  /** events held in memory while the receiver is slow or down */
  queue_max_events: posInt.default(10_000),
  /** directory of the disk spool (TCP/TLS); no spool when absent */
  spool_dir: z.string().min(1).optional(),
  spool_max_bytes: posInt.default(256 * 1024 * 1024),
  spool_segment_bytes: posInt.default(4 * 1024 * 1024),
  /** reconnect backoff: first wait and cap, milliseconds (doubles each failure) */
  reconnect_min_ms: posInt.default(250),
  reconnect_max_ms: posInt.default(30_000),
  connect_timeout_ms: posInt.default(10_000),
  filter: filterSchema.optional(),
}).superRefine((s, ctx) => {
  if (s.url !== undefined) {
    const r = parseSyslogUrl(s.url);
    if (!r.ok) ctx.addIssue({ code: 'custom', path: ['url'], message: r.error });
  } else if (s.host === undefined) ctx.addIssue({ code: 'custom', path: ['host'], message: 'syslog output needs url or host' });
  if ((s.tls.cert_file !== undefined) !== (s.tls.key_file !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls.cert_file and tls.key_file go together' });
  }
});

/** One sink of the `outputs:` list. */
export const sinkSchema = z.discriminatedUnion('type', [jsonlSchema, syslogSchema]);

/** The `outputs:` section: every sink runs side by side. Default: JSON lines to stdout. */
export const outputsSchema = z.array(sinkSchema).prefault([{ type: 'jsonl' }]);

export type OutputsConfig = z.output<typeof outputsSchema>;
export type JsonlSinkConfig = z.output<typeof jsonlSchema>;
export type SyslogSinkConfig = z.output<typeof syslogSchema>;
export type FilterConfig = z.output<typeof filterSchema>;

/** The runtime filter of a `filter:` section. */
export function toEventFilter(f: FilterConfig | undefined): EventFilter | undefined {
  if (f === undefined) return undefined;
  return {
    ...(f.types !== undefined ? { types: f.types } : {}),
    ...(f.min_risk_score !== undefined ? { minRiskScore: f.min_risk_score } : {}),
    ...(f.actions !== undefined ? { actions: f.actions } : {}),
  };
}

/** Builds every configured sink. Drops feed `counters` as `output.<sink>.dropped.<reason>`. Throws a clear Error when a file or certificate cannot be opened. */
export function createSinks(cfg: OutputsConfig, observerName: string, counters: Counters): Sink[] {
  return cfg.map((s, i) => {
    const filter = toEventFilter(s.filter);
    if (s.type === 'jsonl') {
      const path = s.path === undefined || s.path === '-' ? undefined : s.path;
      return createJsonlSink({
        ...(path !== undefined ? { path } : {}),
        rotateBytes: s.rotate_bytes,
        keep: s.keep,
        onFull: s.on_full,
        maxQueueBytes: s.max_queue_bytes,
        ...(filter !== undefined ? { filter } : {}),
        onDrop: (reason, n) => counters.inc(`output.jsonl.dropped.${reason}`, n),
      }, observerName);
    }
    return createSyslogSink(resolveSyslog(s, i), observerName, counters);
  });
}

/** Turns a validated `type: syslog` entry into the sink's runtime options. */
export function resolveSyslog(s: SyslogSinkConfig, index = 0): SyslogOptions {
  const parsed = s.url !== undefined ? parseSyslogUrl(s.url) : undefined;
  if (parsed !== undefined && !parsed.ok) throw new Error(parsed.error);
  const protocol = parsed?.target.protocol ?? s.protocol;
  const host = parsed?.target.host ?? s.host ?? '';
  const port = parsed?.target.port ?? s.port ?? DEFAULT_SYSLOG_PORTS[protocol];
  const filter = toEventFilter(s.filter);
  return {
    name: `syslog${index > 0 ? index : ''}:${protocol}://${host}:${port}`,
    protocol, host, port,
    format: s.format,
    body: s.body,
    facility: typeof s.facility === 'number' ? s.facility : FACILITIES[s.facility],
    ...(s.hostname !== undefined ? { hostname: s.hostname } : {}),
    structuredData: s.structured_data,
    sdId: s.sd_id,
    framing: s.framing,
    maxMessageBytes: s.max_message_bytes ?? (protocol === 'udp' ? 2048 : 65536),
    tls: {
      ...(s.tls.ca_file !== undefined ? { caFile: s.tls.ca_file } : {}),
      ...(s.tls.cert_file !== undefined ? { certFile: s.tls.cert_file } : {}),
      ...(s.tls.key_file !== undefined ? { keyFile: s.tls.key_file } : {}),
      ...(s.tls.servername !== undefined ? { servername: s.tls.servername } : {}),
      verify: s.tls.verify,
    },
    queueMaxEvents: s.queue_max_events,
    ...(s.spool_dir !== undefined ? { spoolDir: s.spool_dir } : {}),
    spoolMaxBytes: s.spool_max_bytes,
    spoolSegmentBytes: s.spool_segment_bytes,
    reconnectMinMs: s.reconnect_min_ms,
    reconnectMaxMs: s.reconnect_max_ms,
    connectTimeoutMs: s.connect_timeout_ms,
    ...(filter !== undefined ? { filter } : {}),
  };
}
