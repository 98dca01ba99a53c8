import { assertNever, type SensorEvent } from '../../core/types.js';
import { eventTime, isoMicros } from '../ecs.js';
import { cleanText, printAscii } from './sanitize.js';
import { APP_NAME, msgIdOf, priOf, severityOf } from './syslog-fields.js';

/** RFC 5424 header field limits, in characters (section 6). */
export const RFC5424_LIMITS = { hostname: 255, appName: 48, procId: 128, msgId: 32, sdName: 32 } as const;
/** Longest SD-PARAM value written, in characters before escaping. */
export const SD_VALUE_MAX_CHARS = 256;

/** Options of the RFC 5424 header. */
export interface Rfc5424Options {
  readonly facility: number;
  readonly hostname: string;
  /** SD-ID of the element, e.g. `exfilwatch@32473`; no STRUCTURED-DATA when absent */
  readonly sdId?: string;
  readonly procId?: string;
}

/** Escapes an SD-PARAM value: `\`, `"` and `]` get a backslash (RFC 5424 6.3.3); controls become U+FFFD. */
export function escapeSdValue(v: string): string {
  return cleanText(v, SD_VALUE_MAX_CHARS).replace(/[\\"\]]/g, (c) => '\\' + c);
}

/** One STRUCTURED-DATA element `[id k="v" …]`, or `-` when there are no params. */
export function structuredData(sdId: string, params: readonly (readonly [string, string | number | undefined])[]): string {
  let out = '';
  for (const [k, v] of params) {
    if (v === undefined || v === '') continue;
    out += ` ${printAscii(k.replace(/[=\]"]/g, ''), RFC5424_LIMITS.sdName)}="${escapeSdValue(String(v))}"`;
  }
  return out === '' ? '-' : `[${printAscii(sdId, RFC5424_LIMITS.sdName)}${out}]`;
}

/** The SD-PARAMs of an event: what a SIEM filters on without parsing the body. */
export function sdParams(ev: SensorEvent): [string, string | number | undefined][] {
  switch (ev.type) {
    case 'alert': {
      const a = ev.alert;
      return [['rule_id', a.ruleId], ['risk_score', a.riskScore], ['band', a.band], ['technique', a.technique], ['action', a.action],
        ['src_ip', a.sourceIp], ['dst_ip', a.destination.ips[0]], ['dst_domain', a.destination.domain], ['service', a.destination.service]];
    }
    case 'flow': {
      const f = ev.flow;
      return [['flow_id', f.id], ['community_id', f.communityId], ['src_ip', f.origIp], ['dst_ip', f.respIp], ['dst_domain', ev.intel?.domain ?? f.serverName]];
    }
    case 'dns': return [['community_id', ev.dns.endpoints.communityId], ['src_ip', ev.dns.endpoints.clientIp], ['query', ev.dns.questionName]];
    case 'tls': return [['community_id', ev.tls.endpoints.communityId], ['src_ip', ev.tls.endpoints.clientIp], ['dst_ip', ev.tls.endpoints.serverIp], ['sni', ev.tls.serverName]];
    case 'http': return [['community_id', ev.http.endpoints.communityId], ['src_ip', ev.http.endpoints.clientIp], ['dst_ip', ev.http.endpoints.serverIp], ['method', ev.http.method], ['host', ev.http.host]];
    case 'ftp': return [['community_id', ev.ftp.endpoints.communityId], ['src_ip', ev.ftp.endpoints.clientIp], ['dst_ip', ev.ftp.endpoints.serverIp], ['command', ev.ftp.command], ['argument', ev.ftp.argument]];
    default: return assertNever(ev);
  }
}

/**
 * An RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME exfilwatch PROCID MSGID SD MSG`. TIMESTAMP is the
 * event's own time (µs, UTC); `body` must already be single-line (json or cef formatter).
 */
export function formatRfc5424(ev: SensorEvent, body: string, o: Rfc5424Options): string {
  const pri = priOf(o.facility, severityOf(ev));
  const sd = o.sdId !== undefined ? structuredData(o.sdId, sdParams(ev)) : '-';
  const proc = printAscii(o.procId ?? String(process.pid), RFC5424_LIMITS.procId);
  return `<${pri}>1 ${isoMicros(eventTime(ev))} ${printAscii(o.hostname, RFC5424_LIMITS.hostname)} ${APP_NAME} ${proc} ${msgIdOf(ev)} ${sd} ${body}`;
}
