import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import { TCP_FLAG, type DecodedPacket, type FlowRecord } from '../../src/core/types.js';
import { DEFAULT_DETECT_CONFIG, detectSchema } from '../../src/detect/config.js';
import { createDetector } from '../../src/detect/detector.js';
import { createFlowTable, DEFAULT_FLOW_OPTIONS } from '../../src/flow/table.js';

const MILLION = 1_000_000;

// A full collection before each reading, so the heap figures count live objects, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe('bounds hold under a million flows', () => {
  it('the flow table never holds more than max_flows and reports every eviction', () => {
    const counters = createCounters();
    let reported = 0;
    const table = createFlowTable({ ...DEFAULT_FLOW_OPTIONS, maxFlows: 10_000 }, {
      emit: () => { reported++; }, counters, observers: [], direction: () => 'outbound',
    });
    const src = new Uint8Array(4);
    const dst = Uint8Array.of(203, 0, 113, 9);
    const p: DecodedPacket = {
      ts: 0, ipVersion: 4, src, dst, proto: 6, srcPort: 0, dstPort: 443, ipBytes: 60, frameBytes: 74, frames: 1,
      tcpFlags: TCP_FLAG.SYN, seq: 0, ack: 0, payload: new Uint8Array(0), vlan: -1,
    };
    const heapBefore = liveHeap();
    for (let i = 0; i < MILLION; i++) {
      src[0] = 10; src[1] = (i >> 16) & 0xff; src[2] = (i >> 8) & 0xff; src[3] = i & 0xff;
      p.srcPort = 1024 + (i % 60_000);
      p.ts = i; // a microsecond apart: no idle timeout fires, only the size bound
      table.packet(p);
      if (table.size() > 10_000) throw new Error(`table grew to ${table.size()} flows`);
    }
    expect(counters.get('flow.ended.evicted')).toBe(MILLION - 10_000);
    // 10,000 live flows are a few MB; a leak of a million would be hundreds.
    expect(liveHeap() - heapBefore).toBeLessThan(64 * 1024 * 1024);
    table.flush('shutdown');
    expect(reported).toBe(MILLION);
    expect(table.size()).toBe(0);
  });

  it('detection state stays within its bounds for 300,000 distinct hosts and destinations (60× its bound)', () => {
    const counters = createCounters();
    const cfg = detectSchema.parse({ ...DEFAULT_DETECT_CONFIG, max_windows: 5_000, max_dns_entries: 5_000, max_flow_evidence: 5_000 });
    const det = createDetector(cfg, {
      enrich: () => ({}), classifyDomain: () => undefined, allowlisted: () => undefined, zoneOf: () => undefined, ja4Listed: () => undefined,
    }, counters);
    const heapBefore = liveHeap();
    const N = 300_000;
    for (let i = 0; i < N; i++) {
      const f: FlowRecord = {
        id: `F${i}`, origin: 'packet', transport: 'tcp', protoNumber: 6,
        origIp: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`, origPort: 40000, respIp: `198.51.${(i >> 8) & 0xff}.${i & 0xff}`, respPort: 443,
        origBytes: 1000, origPackets: 2, respBytes: 100, respPackets: 1, origFrameBytes: 0, respFrameBytes: 0,
        start: i, end: i + 1, origTcpFlags: 0, respTcpFlags: 0, communityId: '1:x', direction: 'outbound', endReason: 'fin',
      };
      det.handle({ type: 'flow', flow: f }, () => undefined);
    }
    expect(counters.get('detect.window_evicted')).toBe(N - 5_000);
    expect(liveHeap() - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
