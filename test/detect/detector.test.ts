import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import type { Alert, DestinationIntel, DnsTransaction, Endpoints, FlowRecord, SensorEvent } from '../../src/core/types.js';
import { DEFAULT_DETECT_CONFIG, detectSchema } from '../../src/detect/config.js';
import { createDetector } from '../../src/detect/detector.js';
import type { DetectIntel } from '../../src/detect/intel-view.js';

const S = 1_000_000;
const MB = 1_000_000;
const T0 = 1_780_000_000 * S;
const HOST = '10.1.2.3';
const MEGA_IP = '66.203.126.10';

// A small intel table: MEGA by range and name, nothing else known.
function intel(allow?: (src: string) => boolean): DetectIntel {
  return {
    enrich: (ip, domain): DestinationIntel => (ip.startsWith('66.203.126.') || domain?.endsWith('mega.co.nz')
      ? { asNumber: 205809, asOrganization: 'MEGA Cloud', provider: 'MEGA', service: 'MEGA', category: 'cloud-storage', ...(domain ? { domain } : {}) }
      : {}),
    classifyDomain: (name) => (name.endsWith('.userstorage.mega.co.nz') ? { provider: 'MEGA', service: 'MEGA', category: 'cloud-storage', role: 'upload' } : undefined),
    allowlisted: (src) => (allow?.(src) ? { id: 'backup-s3', reason: 'nightly backup' } : undefined),
    zoneOf: (ip) => (ip.startsWith('172.17.') ? 'containers' : undefined),
    ja4Listed: () => undefined,
  };
}

let nextFlow = 0;
function flow(p: Partial<FlowRecord> & { out: number; in: number; t: number; dur?: number }): FlowRecord {
  const { out, in: inn, t, dur = 60, ...rest } = p;
  return {
    id: `F${nextFlow++}`, origin: 'packet', transport: 'tcp', protoNumber: 6,
    origIp: HOST, origPort: 40000 + nextFlow, respIp: MEGA_IP, respPort: 443,
    origBytes: out, origPackets: 10, respBytes: inn, respPackets: 10, origFrameBytes: 0, respFrameBytes: 0,
    start: T0 + t * S, end: T0 + (t + dur) * S, origTcpFlags: 0x1b, respTcpFlags: 0x1b,
    communityId: '1:x', direction: 'outbound', endReason: 'fin', ...rest,
  };
}

function ep(client: string, server: string, port: number, flowId = 'Fdns'): Endpoints {
  return { transport: 'udp', clientIp: client, clientPort: 5353, serverIp: server, serverPort: port, communityId: '1:y', flowId, direction: 'outbound' };
}

function run(events: SensorEvent[], di = intel(), cfg = DEFAULT_DETECT_CONFIG) {
  const counters = createCounters();
  const det = createDetector(cfg, di, counters);
  const out: SensorEvent[] = [];
  for (const e of events) det.handle(e, (x) => out.push(x));
  det.finish(T0 + 10 * 3600 * S, (x) => out.push(x));
  const alerts = out.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
  return { out, alerts, counters };
}

const uploads = (alerts: Alert[]) => alerts.filter((a) => a.ruleId !== 'EXF-1002');

describe('detector', () => {
  it('raises one MEGA upload alert, escalates only when the band climbs, and summarises at the close', () => {
    const dns: DnsTransaction = {
      ts: T0, endpoints: ep(HOST, '10.0.0.53', 53), id: 1, questionName: 'gfs270n071.userstorage.mega.co.nz', questionType: 'A', questionClass: 'IN',
      type: 'answer', responseCode: 'NOERROR', answers: [{ name: 'gfs270n071.userstorage.mega.co.nz', type: 'A', ttl: 300, data: MEGA_IP }], headerFlags: ['RD', 'RA'],
    };
    const flows = [0, 1, 2, 3].map((i) => flow({ out: 30 * MB, in: 0.1 * MB, t: 1 + i, dur: 100 }));
    const { alerts, out } = run([{ type: 'dns', dns }, ...flows.map((f) => ({ type: 'flow' as const, flow: f }))]);
    expect(alerts.filter((a) => a.ruleId === 'EXF-1002')).toHaveLength(1);
    const up = uploads(alerts);
    expect(up.map((a) => a.action)).toEqual(['new', 'escalated', 'summary']);
    expect(up.every((a) => a.technique === 'T1567.002' && a.ruleId === 'EXF-1001')).toBe(true);
    const last = up[2]!;
    expect(last.bytesOut).toBe(120 * MB);
    expect(last.band).toBe('critical');
    expect(last.reason).toContain('10.1.2.3 sent 120 MB to MEGA (AS205809');
    expect(last.reason).toContain('gfs270n071.userstorage.mega.co.nz');
    expect(last.evidence['indicators']).toEqual(expect.arrayContaining(['dns_indicator', 'candidate']));
    expect(last.evidence['parallel_connections']).toBe(4);
    // Flow events leave enriched with the name the client resolved.
    const f0 = out.find((e) => e.type === 'flow');
    expect(f0 && f0.type === 'flow' && f0.intel?.asNumber).toBe(205809);
    expect(f0 && f0.type === 'flow' && f0.intel?.domain).toBe('gfs270n071.userstorage.mega.co.nz');
  });

  it('stays quiet on a large download from the same cloud', () => {
    const { alerts } = run([{ type: 'flow', flow: flow({ out: 1 * MB, in: 200 * MB, t: 0 }) }]);
    expect(alerts).toEqual([]);
  });

  it('suppresses an allow-listed source and counts it; lowers instead when configured', () => {
    const events: SensorEvent[] = [{ type: 'flow', flow: flow({ out: 80 * MB, in: 1 * MB, t: 0 }) }];
    const quiet = run(events, intel((s) => s === HOST));
    expect(uploads(quiet.alerts)).toEqual([]);
    expect(quiet.counters.get('detect.alert_suppressed')).toBe(1);
    const lowered = run(events, intel((s) => s === HOST), detectSchema.parse({ allowlist_action: 'lower', allowlist_lower_by: 50 }));
    const normal = run(events);
    expect(uploads(lowered.alerts)[0]?.riskScore).toBe((uploads(normal.alerts)[0]?.riskScore ?? 0) - 50);
    expect(uploads(lowered.alerts)[0]?.allowlisted).toBe('backup-s3: nightly backup');
  });

  it('adds up low-and-slow uploads that are each under the per-flow floor', () => {
    const events: SensorEvent[] = Array.from({ length: 60 }, (_, i) => ({ type: 'flow' as const, flow: flow({ out: 1 * MB, in: 0.02 * MB, t: i * 50, dur: 20 }) }));
    const up = uploads(run(events).alerts);
    expect(up.map((a) => a.action)).toEqual(['new', 'escalated', 'summary']);
    expect(up[0]?.bytesOut).toBe(5 * MB);
    expect(up[1]?.bytesOut).toBe(50 * MB);
    expect(up[2]?.bytesOut).toBe(60 * MB);
  });

  it('counts cumulative active-timeout reports of one flow once', () => {
    const f = flow({ out: 10 * MB, in: 0, t: 0, endReason: 'active' });
    const events: SensorEvent[] = [
      { type: 'flow', flow: f },
      { type: 'flow', flow: { ...f, origBytes: 20 * MB, end: f.end + 300 * S } },
      { type: 'flow', flow: { ...f, origBytes: 30 * MB, end: f.end + 600 * S, endReason: 'fin' } },
    ];
    const up = uploads(run(events).alerts);
    expect(up.at(-1)?.bytesOut).toBe(30 * MB);
  });

  it('names a container HTTP PUT to an external host T1020 and an FTP STOR data connection too', () => {
    const put = flow({ out: 12 * MB, in: 0.01 * MB, t: 0, origIp: '172.17.0.5', respIp: '203.0.113.50', respPort: 80 });
    const http: SensorEvent = {
      type: 'http',
      http: { ts: put.start, endpoints: { ...ep('172.17.0.5', '203.0.113.50', 80, put.id), transport: 'tcp' }, method: 'PUT', target: '/upload', version: 'HTTP/1.1', host: '203.0.113.50', userAgent: 'curl/8.5.0', contentLength: 12 * MB, bodyBytes: 12 * MB },
    };
    const a = uploads(run([http, { type: 'flow', flow: put }]).alerts);
    expect(a[0]).toMatchObject({ ruleId: 'EXF-1003', technique: 'T1020', sourceIp: '172.17.0.5' });
    expect(a[0]?.evidence['indicators']).toContain('container_source');

    const data = flow({ out: 15 * MB, in: 0.01 * MB, t: 0, respIp: '198.51.100.7', respPort: 50000, app: 'ftp-data', ftpControlId: 'Fctl' });
    const stor: SensorEvent = { type: 'ftp', ftp: { ts: data.start, endpoints: { ...ep(HOST, '198.51.100.7', 21, 'Fctl'), transport: 'tcp' }, command: 'STOR', argument: 'secrets.tar.gz' } };
    const b = uploads(run([stor, { type: 'flow', flow: data }]).alerts);
    expect(b[0]).toMatchObject({ ruleId: 'EXF-1004', technique: 'T1020' });
    expect(b[0]?.reason).toContain('STOR secrets.tar.gz');
  });

  it('closes an idle window on tick with a summary', () => {
    const counters = createCounters();
    const det = createDetector(DEFAULT_DETECT_CONFIG, intel(), counters);
    const out: SensorEvent[] = [];
    det.handle({ type: 'flow', flow: flow({ out: 20 * MB, in: 0, t: 0 }) }, (x) => out.push(x));
    det.tick(T0 + 1800 * S, (x) => out.push(x));
    expect(out.filter((e) => e.type === 'alert')).toHaveLength(1);
    det.tick(T0 + 3 * 3600 * S, (x) => out.push(x));
    const alerts = out.flatMap((e) => (e.type === 'alert' ? [e.alert.action] : []));
    expect(alerts).toEqual(['new', 'summary']);
  });
});

describe('inbound flows', () => {
  it('an internal server sending a lot to an external client is not an upload; FTP active-mode data is', () => {
    const serving = flow({ out: 0, in: 0, t: 0, origIp: '203.0.113.9', origPort: 50000, respIp: HOST, respPort: 443, origBytes: 1 * MB, respBytes: 200 * MB, direction: 'inbound' });
    expect(uploads(run([{ type: 'flow', flow: serving }]).alerts)).toEqual([]);
    const active = { ...serving, id: 'Factive', respPort: 20, app: 'ftp-data' as const, ftpControlId: 'Fctl' };
    const a = uploads(run([{ type: 'flow', flow: active }]).alerts);
    expect(a[0]).toMatchObject({ ruleId: 'EXF-1004', sourceIp: HOST });
  });
});
