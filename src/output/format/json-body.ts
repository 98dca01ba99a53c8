import type { SensorEvent } from '../../core/types.js';
import { toEcs } from '../ecs.js';
import { safeJson } from './sanitize.js';

/** The event's ECS document as one line of JSON (safeJson: no raw controls, capped strings). */
export function formatJsonBody(ev: SensorEvent, observerName: string): string {
  return safeJson(toEcs(ev, observerName));
}
