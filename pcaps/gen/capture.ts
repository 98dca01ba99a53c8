/**
 * A capture being generated: frames from many sessions, merged in time order, with the flow tally
 * and the application-layer facts (DNS, TLS, HTTP, FTP) that the expected.json reports.
 */
import { createPool, type EntropyPool } from './byte-stream.js';
import type { ExpectedDns, ExpectedFlow, ExpectedFtp, ExpectedHttp, ExpectedTls } from './expected.js';
import type { BuiltFrame } from './packet.js';
import { createRng, type Rng } from './prng.js';

/** Endpoints of the flow a frame belongs to, as sent (src is the sender). */
export interface FrameTuple {
  readonly transport: 'tcp' | 'udp';
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  /** transport payload bytes of this frame on the wire */
  readonly payloadBytes: number;
  readonly vlan?: number;
}

/** One record to write. */
export interface FrameRecord {
  /** µs since epoch */
  readonly ts: number;
  /** nanoseconds past `ts` (0..999), written only by nanosecond interfaces */
  readonly extraNs: number;
  readonly interfaceId: number;
  readonly frame: BuiltFrame;
  readonly tuple: FrameTuple;
  readonly order: number;
  /** the unrounded time, for ordering frames that share a microsecond */
  readonly exact: number;
}

/** Application-layer facts, filled by the scenario code as it writes them. */
export interface AppFacts {
  readonly dns: ExpectedDns[];
  readonly tls: ExpectedTls[];
  readonly http: ExpectedHttp[];
  readonly ftp: ExpectedFtp[];
}

/** A capture under construction. */
export interface Capture {
  readonly rng: Rng;
  readonly pool: EntropyPool;
  readonly facts: AppFacts;
  /** adds a frame at `ts` µs; the fraction is kept as nanoseconds for ns-resolution interfaces */
  add(ts: number, frame: BuiltFrame, tuple: FrameTuple, interfaceId?: number): void;
  /** all records in time order (stable for equal times) */
  records(): FrameRecord[];
}

const POOL_BYTES = 1 << 20;
const POOL_SEED = 0x5eed_f00d;
let sharedPool: EntropyPool | undefined;

// one pool for every capture: it is fixed by its own seed, so sharing it keeps output deterministic
function pool(): EntropyPool {
  sharedPool ??= createPool(createRng(POOL_SEED), POOL_BYTES);
  return sharedPool;
}

/** Starts a capture with its own seeded random source. */
export function createCapture(seed: number): Capture {
  const rng = createRng(seed);
  const list: FrameRecord[] = [];
  return {
    rng,
    pool: pool(),
    facts: { dns: [], tls: [], http: [], ftp: [] },
    add(ts, frame, tuple, interfaceId = 0) {
      list.push({ ts: Math.floor(ts), extraNs: Math.floor((ts - Math.floor(ts)) * 1000), interfaceId, frame, tuple, order: list.length, exact: ts });
    },
    records() {
      return [...list].sort((a, b) => a.exact - b.exact || a.order - b.order);
    },
  };
}

interface Tally {
  transport: 'tcp' | 'udp';
  origIp: string;
  origPort: number;
  respIp: string;
  respPort: number;
  origPackets: number;
  origBytes: number;
  respPackets: number;
  respBytes: number;
  origFrameBytes: number;
  respFrameBytes: number;
  origPayloadBytes: number;
  respPayloadBytes: number;
  start: number;
  end: number;
  interfaceId: number;
  vlan?: number;
}

/** Counts flows over records in time order; orig is the sender of a flow's first record. */
export function tallyFlows(records: readonly FrameRecord[]): ExpectedFlow[] {
  const flows = new Map<string, Tally>();
  for (const r of records) {
    const t = r.tuple;
    const a = `${t.src}|${t.sport}`;
    const b = `${t.dst}|${t.dport}`;
    const key = `${r.interfaceId}|${t.transport}|${a < b ? `${a}|${b}` : `${b}|${a}`}`;
    let f = flows.get(key);
    if (f === undefined) {
      f = {
        transport: t.transport, origIp: t.src, origPort: t.sport, respIp: t.dst, respPort: t.dport,
        origPackets: 0, origBytes: 0, respPackets: 0, respBytes: 0, origFrameBytes: 0, respFrameBytes: 0,
        origPayloadBytes: 0, respPayloadBytes: 0, start: r.ts, end: r.ts, interfaceId: r.interfaceId,
        ...(t.vlan === undefined ? {} : { vlan: t.vlan }),
      };
      flows.set(key, f);
    }
    const fromOrig = t.src === f.origIp && t.sport === f.origPort;
    if (fromOrig) {
      f.origPackets++;
      f.origBytes += r.frame.ipBytes;
      f.origFrameBytes += r.frame.origLen;
      f.origPayloadBytes += t.payloadBytes;
    } else {
      f.respPackets++;
      f.respBytes += r.frame.ipBytes;
      f.respFrameBytes += r.frame.origLen;
      f.respPayloadBytes += t.payloadBytes;
    }
    f.end = r.ts;
  }
  return [...flows.values()];
}
