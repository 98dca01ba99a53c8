import { createCounters, type Counters } from '../../src/core/counters.js';
import type { Endpoints, SensorEvent } from '../../src/core/types.js';
import type { ObserverContext } from '../../src/app/observer.js';

/** A recording ObserverContext for tests: keeps every emitted event, expectation, name and app. */
export interface Recorder extends ObserverContext {
  readonly events: SensorEvent[];
  readonly expects: Parameters<ObserverContext['expect']>[0][];
  readonly names: string[];
  readonly apps: string[];
  readonly counters: Counters;
}

export function recorder(): Recorder {
  const events: SensorEvent[] = [];
  const expects: Recorder['expects'] = [];
  const names: string[] = [];
  const apps: string[] = [];
  return {
    events, expects, names, apps, counters: createCounters(),
    emit: (e) => events.push(e),
    expect: (e) => expects.push(e),
    setServerName: (n) => names.push(n),
    setApp: (a) => apps.push(a),
  };
}

export function endpoints(transport: 'tcp' | 'udp', serverPort: number, over: Partial<Endpoints> = {}): Endpoints {
  return {
    transport, clientIp: '10.0.0.5', clientPort: 50000, serverIp: '192.0.2.10', serverPort,
    communityId: '1:test', flowId: 'F1', direction: 'outbound', ...over,
  };
}

/** bytes from a hex string with spaces/newlines allowed */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
export const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
