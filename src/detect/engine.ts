import type { EmitFn, Micros, SensorEvent } from '../core/types.js';

/**
 * The detection stage as the pipeline sees it: it takes every observation (flows from packets or
 * NetFlow, DNS, TLS, HTTP, FTP), hands each on — enriched where it knows more — and adds alerts.
 */
export interface Engine {
  /** one observation in; the (enriched) event and any alerts out through `out` */
  handle(ev: SensorEvent, out: EmitFn): void;
  /** packet or record time moved on: close windows whose time is up */
  tick(now: Micros, out: EmitFn): void;
  /** end of input: close every window and emit the summaries */
  finish(now: Micros, out: EmitFn): void;
}

/** An engine that passes events through unchanged (no intel, no detection). */
export const passthroughEngine: Engine = {
  handle: (ev, out) => out(ev),
  tick: () => undefined,
  finish: () => undefined,
};
