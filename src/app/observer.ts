import type { Counters } from '../core/counters.js';
import type { AppProto, Endpoints, EmitFn, Micros } from '../core/types.js';

/** Which way a chunk of payload travelled: from the originator (client) or from the responder. */
export type Dir = 'orig' | 'resp';

/**
 * What an observer may ask of the flow table besides emitting events.
 * FTP uses `expect` to tie the data connection that PASV/EPSV/PORT announced back to its control flow.
 */
export interface ObserverContext {
  readonly emit: EmitFn;
  readonly counters: Counters;
  /** announce a connection to come (any client port when clientPort is 0); valid until `until` */
  expect(e: { clientIp: string; serverIp: string; serverPort: number; app: AppProto; controlId: string; until: Micros }): void;
  /** name the flow's server (SNI / Host) so the flow event carries it */
  setServerName(name: string): void;
  /** mark the flow's application protocol */
  setApp(app: AppProto): void;
}

/**
 * An application-layer observer. The flow table asks `accepts` once per flow, on the first payload of
 * the flow (either direction); on yes it keeps one state per flow and feeds it:
 * - UDP: every datagram's payload;
 * - TCP: each direction's bytes in sequence order (reassembled, bounded per flow), so a message
 *   split over segments arrives as consecutive chunks. `gap` says bytes were lost before this chunk.
 * Observers never throw on bad input: they count an anomaly and stop or resync.
 */
export interface AppObserver<S> {
  readonly name: AppProto;
  /** decide from the endpoints and the first payload bytes (direction `dir`) whether to watch the flow */
  accepts(ep: Endpoints, dir: Dir, firstPayload: Uint8Array): boolean;
  open(ep: Endpoints, ctx: ObserverContext): S;
  /** returns false when the observer needs no more bytes of this flow (the table stops feeding it) */
  data(state: S, dir: Dir, payload: Uint8Array, ts: Micros, gap: boolean): boolean;
  /** the flow ended (or the sensor stops): emit what is pending */
  close(state: S, ts: Micros): void;
}
