import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPipeline } from '../../src/cli/pipeline.js';
import { detectView } from '../../src/cli/run.js';
import { parseConfig } from '../../src/config/load.js';
import { createCounters } from '../../src/core/counters.js';
import type { DnsTransaction, HttpRequest, SensorEvent, TlsClientHello } from '../../src/core/types.js';
import { createDetector } from '../../src/detect/detector.js';
import { readCapture } from '../../src/ingest/capture.js';
import { createIntel } from '../../src/intel/intel.js';
import { toEcs } from '../../src/output/ecs.js';
import { ecsLine, jsonString } from '../../src/output/ecs-text.js';
import { FIELD_MAX_CHARS, safeJson } from '../../src/output/format/sanitize.js';
import { CORPUS, PCAPS } from '../helpers/cli.js';
import { T0, flowEvent } from './fixtures.js';

/** Every event a replay of `files` emits (embedded intel, default detection), in order. */
async function eventsOf(files: readonly string[]): Promise<SensorEvent[]> {
  const cfg = parseConfig({}, 'test');
  if (!cfg.ok) throw new Error(cfg.error);
  const loaded = await createIntel({});
  if (!loaded.ok) throw new Error(loaded.error);
  const events: SensorEvent[] = [];
  const sink = {
    name: 'capture',
    write: (ev: SensorEvent) => { events.push(ev); },
    close: async () => undefined,
    stats: () => ({ written: events.length, queued: 0, spooled: 0, dropped: {} }),
  };
  const counters = createCounters();
  const p = buildPipeline(cfg.config, {
    sinks: [sink],
    counters,
    engine: createDetector(cfg.config.detect, detectView(loaded.intel), counters),
    direction: loaded.intel.direction,
  });
  for (const f of files) await readCapture(f, (fr) => p.sensor.frame(fr), { counters: p.counters });
  await p.sensor.finish();
  return events;
}

function expectSame(events: readonly SensorEvent[]): number {
  let direct = 0;
  for (const ev of events) {
    const line = ecsLine(ev, 'exfilwatch');
    if (line === undefined) continue;
    direct++;
    expect(line).toBe(safeJson(toEcs(ev, 'exfilwatch')));
  }
  return direct;
}

const HOSTILE = [
  '', 'plain', 'quote " and \\ backslash', 'nul \u0000 tab \t nl \n cr \r', '\u001f\u007f\u0080\u009f',
  'line\u2028para\u2029', 'lone high \uD800 end', 'lone low \uDC00', 'pair \uD83D\uDE00 ok', '\uD83D',
  'x'.repeat(FIELD_MAX_CHARS), 'y'.repeat(FIELD_MAX_CHARS + 1), 'z'.repeat(FIELD_MAX_CHARS - 1) + '\uD83D\uDE00',
  'é'.repeat(5000) + '\u2028', '\\ud800 written out', '</script>', 'é ü ß 中文',
];

describe('direct ECS text (ecsLine) against safeJson of the document', () => {
  it('is the same on every event of the sample captures', async () => {
    const files = readdirSync(PCAPS).filter((f) => /\.pcap(ng)?$/.test(f) && !f.includes('truncated')).map((f) => join(PCAPS, f));
    expect(files.length).toBeGreaterThan(5);
    const events = await eventsOf(files);
    const kinds = new Set(events.map((e) => e.type));
    for (const k of ['flow', 'dns', 'tls', 'http'] as const) expect(kinds.has(k)).toBe(true);
    expect(expectSame(events)).toBeGreaterThan(100);
  }, 120_000);

  it.skipIf(!existsSync(join(CORPUS, 'pcaps')))('is the same on every event of the shared corpus', async () => {
    const dir = join(CORPUS, 'pcaps');
    let direct = 0;
    for (const f of readdirSync(dir)) direct += expectSame(await eventsOf([join(dir, f)]));
    expect(direct).toBeGreaterThan(1000);
  }, 600_000);

  it('writes hostile strings as safeJson does, in every string field', () => {
    for (const s of HOSTILE) expect(jsonString(s)).toBe(safeJson(s));
    const base = flowEvent(1);
    if (base.type !== 'flow') throw new Error('fixture');
    const ep = { transport: 'tcp', clientIp: '10.0.0.5', clientPort: 1, serverIp: '192.0.2.1', serverPort: 80, communityId: 'c', flowId: 'F1', direction: 'outbound' } as const;
    for (const s of HOSTILE) {
      const evs: SensorEvent[] = [
        { type: 'flow', flow: { ...base.flow, id: s, serverName: s, ftpControlId: s }, intel: { asNumber: 1, asOrganization: s, provider: s, region: s } },
        { type: 'flow', flow: { ...base.flow, origin: 'netflow', exporter: s, vlan: 7, endReason: 'active' }, intel: { domain: s } },
        { type: 'flow', flow: { ...base.flow, origPort: Number.NaN, respBytes: -0, start: T0 - 1.5 } },
        { type: 'dns', dns: dns(s, ep) },
        { type: 'tls', tls: tls(s, ep) },
        { type: 'tls', tls: { ts: T0, endpoints: { ...ep, flowId: s }, alpn: [], version: '1.2', ja4: s } },
        { type: 'http', http: http(s, ep) },
        { type: 'http', http: { ts: T0, endpoints: ep, method: 'GET', target: '/?' + s, version: '1.0', host: `[${s}]:80`, bodyBytes: 0 } },
      ];
      expect(expectSame(evs)).toBe(evs.length);
    }
  });
});

function dns(s: string, endpoints: DnsTransaction['endpoints']): DnsTransaction {
  return {
    ts: T0, endpoints, id: 7, questionName: s, questionType: 'A', questionClass: 'IN', type: 'answer', responseCode: s,
    answers: [{ name: s, type: 'A', ttl: 60, data: s }, { name: s, type: 'RRSIG', ttl: 1, data: s }, { name: 'n', type: 'TXT', ttl: 2, data: s }],
    headerFlags: ['RD', s], rtt: 12,
  };
}

function tls(s: string, endpoints: TlsClientHello['endpoints']): TlsClientHello {
  return { ts: T0, endpoints, serverName: s, alpn: ['h2', s], version: s, ja4: 't13d' };
}

function http(s: string, endpoints: HttpRequest['endpoints']): HttpRequest {
  return { ts: T0, endpoints, method: s, target: s + '?q=' + s, version: s, host: s + ':8080', userAgent: s, contentLength: 5, bodyBytes: 5 };
}
