import type { SensorEvent } from '../../core/types.js';
import { eventTime } from '../ecs.js';
import { printAscii } from './sanitize.js';
import { APP_NAME, priOf, severityOf } from './syslog-fields.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
/** Longest HOSTNAME written (RFC 3164 has no limit; receivers commonly take 255). */
export const RFC3164_HOSTNAME_MAX = 255;

/** `Mmm dd hh:mm:ss` in UTC (RFC 3164 4.1.2; the day is space-padded). */
export function bsdTimestamp(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()] ?? 'Jan'} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/**
 * An RFC 3164 (BSD) message: `<PRI>Mmm dd hh:mm:ss HOSTNAME exfilwatch[PID]: MSG`. The time is the
 * event's own time in UTC (RFC 3164 has no zone: receivers must not assume local time).
 */
export function formatRfc3164(ev: SensorEvent, body: string, o: { readonly facility: number; readonly hostname: string; readonly procId?: string }): string {
  const pri = priOf(o.facility, severityOf(ev));
  const pid = printAscii(o.procId ?? String(process.pid), 10);
  return `<${pri}>${bsdTimestamp(eventTime(ev))} ${printAscii(o.hostname, RFC3164_HOSTNAME_MAX)} ${APP_NAME}[${pid}]: ${body}`;
}
