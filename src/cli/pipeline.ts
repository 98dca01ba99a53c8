import { createObservers, OBSERVER_ORDER } from '../app/index.js';
import type { AppObserver } from '../app/observer.js';
import type { Config } from '../config/schema.js';
import { createCounters, type Counters } from '../core/counters.js';
import { passthroughEngine, type Engine } from '../detect/engine.js';
import type { Sink } from '../output/sink.js';
import { createSensor, type Sensor } from '../sensor.js';
import type { NetworkDirection } from '../core/types.js';

/** Everything one run builds from its config: the sensor and the parts the CLI reports on. */
export interface Pipeline {
  readonly sensor: Sensor;
  readonly counters: Counters;
  readonly sinks: readonly Sink[];
  readonly config: Config;
  /** SIGHUP: re-read the config file's intel, allowlist and networks; flow state is kept. Throws why it failed. */
  readonly reload?: () => Promise<void>;
}

export interface PipelineParts {
  readonly sinks: readonly Sink[];
  readonly engine?: Engine;
  readonly direction?: (orig: string, resp: string) => NetworkDirection;
  readonly counters?: Counters;
}

/** Builds one pipeline from a validated config and its outputs. */
export function buildPipeline(config: Config, parts: PipelineParts): Pipeline {
  const counters = parts.counters ?? createCounters();
  const f = config.flow;
  const sensor = createSensor({
    flow: {
      maxFlows: f.max_flows,
      idleTimeout: f.idle_timeout,
      closedTimeout: f.closed_timeout,
      activeTimeout: f.active_timeout,
      maxStreamBuffer: f.max_stream_buffer,
      maxExpectations: f.max_expectations,
      communityIdSeed: f.community_id_seed,
    },
    decoder: {
      maxFragDatagrams: config.decode.max_frag_datagrams,
      maxFragDatagramBytes: config.decode.max_frag_datagram_bytes,
      maxFragmentsPerDatagram: config.decode.max_fragments_per_datagram,
      fragTimeoutMicros: config.decode.frag_timeout * 1e6,
    },
    observers: observerList(),
    direction: parts.direction ?? (() => 'external'),
    engine: parts.engine ?? passthroughEngine,
    sinks: parts.sinks,
    counters,
    closeTimeoutMs: config.close_timeout * 1000,
  });
  return { sensor, counters, sinks: parts.sinks, config };
}

// The flow table asks observers in this order; their state types are opaque to it.
function observerList(): AppObserver<unknown>[] {
  const o = createObservers();
  return OBSERVER_ORDER.map((k) => o[k] as AppObserver<unknown>);
}
