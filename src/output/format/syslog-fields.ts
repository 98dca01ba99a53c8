import { assertNever, type RiskBand, type SensorEvent } from '../../core/types.js';

/** Syslog severities (RFC 5424 table 2) the sensor uses. */
export const SEVERITY = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;

/** Alert risk band → syslog severity: critical→crit, high→err, medium→warning, low→notice. */
export const BAND_SEVERITY = { critical: SEVERITY.crit, high: SEVERITY.err, medium: SEVERITY.warning, low: SEVERITY.notice } as const satisfies Record<RiskBand, number>;

/** APP-NAME / TAG of every message. */
export const APP_NAME = 'exfilwatch';

/** Severity of an event: from the alert's band, `info` for every other event. */
export function severityOf(ev: SensorEvent): number {
  return ev.type === 'alert' ? BAND_SEVERITY[ev.alert.band] : SEVERITY.info;
}

/** PRI value: facility (0–23) × 8 + severity (0–7). */
export function priOf(facility: number, severity: number): number {
  return (Math.min(23, Math.max(0, Math.trunc(facility))) << 3) | (severity & 7);
}

/** MSGID per dataset: `alert`, `flow`, `dns`, `tls`, `http`, `ftp`. */
export function msgIdOf(ev: SensorEvent): SensorEvent['type'] {
  switch (ev.type) {
    case 'alert': case 'flow': case 'dns': case 'tls': case 'http': case 'ftp': return ev.type;
    default: return assertNever(ev);
  }
}
