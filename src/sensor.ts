import type { AppObserver } from './app/observer.js';
import type { Counters } from './core/counters.js';
import type { FlowRecord, Micros, NetworkDirection, RawFrame, SensorEvent, SensorEventType } from './core/types.js';
import { createDecodedPacket, decodeFrame } from './decode/decode-frame.js';
import { createDecoderState, type DecoderOptions } from './decode/decoder-state.js';
import { tunnelInner } from './decode/tunnels.js';
import type { Engine } from './detect/engine.js';
import { createFlowTable, type FlowTableOptions } from './flow/table.js';
import type { Sink } from './output/sink.js';

/** What one pipeline needs: its bounds, its parts, and where events go. */
export interface SensorParts {
  readonly flow: FlowTableOptions;
  readonly decoder: Omit<DecoderOptions, 'counters'>;
  readonly observers: readonly AppObserver<unknown>[];
  readonly direction: (orig: string, resp: string) => NetworkDirection;
  readonly engine: Engine;
  readonly sinks: readonly Sink[];
  readonly counters: Counters;
  /** how long `finish` waits for the sinks to deliver, ms */
  readonly closeTimeoutMs: number;
}

/** Running totals for the summary line and metrics. */
export interface SensorStats {
  readonly packets: number;
  readonly bytes: number;
  readonly flowsActive: number;
  readonly events: Readonly<Record<SensorEventType, number>>;
}

/** One pipeline: frames (or NetFlow flow records) in, ECS events out to every sink. */
export interface Sensor {
  frame(f: RawFrame): void;
  /** a flow measured elsewhere (NetFlow/IPFIX), fed to the same detection and outputs */
  flowRecord(r: FlowRecord): void;
  /** time moved on without input (idle live interface) */
  tick(now: Micros): void;
  /** end of input: report every open flow, close windows, flush outputs */
  finish(): Promise<void>;
  stats(): SensorStats;
}

const SEC = 1_000_000;
const MAX_TUNNEL_DEPTH = 2;

export function createSensor(parts: SensorParts): Sensor {
  const { counters, engine, sinks } = parts;
  const events: Record<SensorEventType, number> = { flow: 0, dns: 0, tls: 0, http: 0, ftp: 0, alert: 0 };
  let packets = 0;
  let bytes = 0;
  let now = 0;
  let lastTick = 0;

  const deliver = (ev: SensorEvent): void => {
    events[ev.type]++;
    for (const s of sinks) s.write(ev);
  };
  const observe = (ev: SensorEvent): void => {
    try {
      engine.handle(ev, deliver);
    } catch {
      // A detection bug must not stop capture: count it and still deliver the observation.
      counters.inc('detect.engine_error');
      deliver(ev);
    }
  };
  const table = createFlowTable(parts.flow, { emit: observe, counters, direction: parts.direction, observers: parts.observers });
  const decoder = createDecoderState({ ...parts.decoder, counters });
  const out = createDecodedPacket();

  function advance(ts: Micros): void {
    if (ts > now) now = ts;
    if (now - lastTick >= SEC) {
      lastTick = now;
      engine.tick(now, deliver);
    }
  }

  return {
    frame(f) {
      packets++;
      bytes += f.origLen;
      let frame: RawFrame = f;
      // An outer tunnel packet counts in its own flow, then its inner packet in the inner flow (bounded depth).
      for (let depth = 0; depth <= MAX_TUNNEL_DEPTH; depth++) {
        const r = decodeFrame(frame, out, decoder);
        if (!r.ok) {
          if (!r.pending) counters.inc('skipped' in r ? `skip.${r.skipped}` : `decode.${r.anomaly}`);
          return;
        }
        advance(r.packet.ts);
        const inner = depth < MAX_TUNNEL_DEPTH ? tunnelInner(r.packet) : undefined;
        table.packet(r.packet);
        if (!inner) return;
        counters.inc(`tunnel.${inner.name}`);
        frame = { ts: f.ts, linkType: inner.linkType, data: inner.data, origLen: inner.data.length, interfaceId: f.interfaceId };
      }
    },
    flowRecord(r) {
      advance(r.end);
      observe({ type: 'flow', flow: r });
    },
    tick(t) {
      advance(t);
      table.tick(now);
    },
    async finish() {
      table.flush('shutdown');
      engine.finish(now, deliver);
      await Promise.all(sinks.map((s) => s.close(parts.closeTimeoutMs)));
    },
    stats: () => ({ packets, bytes, flowsActive: table.size(), events: { ...events } }),
  };
}
