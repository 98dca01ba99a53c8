import type { SensorEvent, SensorEventType } from '../core/types.js';

/**
 * Which events a sink takes. Every given condition must hold; an empty filter takes everything.
 * - `types`: event types (`alert`, `flow`, `dns`, `tls`, `http`, `ftp`); datasets such as
 *   `exfilwatch.alert` are accepted by the config schema and normalised to the type.
 * - `minRiskScore`: alerts below this score (0–100) are left out; non-alert events are unaffected
 *   (combine with `types: ['alert']` for "alerts of at least N only").
 * - `actions`: alert lifecycle actions kept (`new`, `escalated`, `summary`); non-alerts unaffected.
 */
export interface EventFilter {
  readonly types?: readonly SensorEventType[];
  readonly minRiskScore?: number;
  readonly actions?: readonly ('new' | 'escalated' | 'summary')[];
}

/** True when the event passes the filter (an absent filter passes everything). */
export function matchFilter(f: EventFilter | undefined, ev: SensorEvent): boolean {
  if (f === undefined) return true;
  if (f.types !== undefined && !f.types.includes(ev.type)) return false;
  if (ev.type === 'alert') {
    if (f.minRiskScore !== undefined && ev.alert.riskScore < f.minRiskScore) return false;
    if (f.actions !== undefined && !f.actions.includes(ev.alert.action)) return false;
  }
  return true;
}
