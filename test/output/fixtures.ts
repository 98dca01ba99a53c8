import type { Alert, Endpoints, FlowRecord, SensorEvent } from '../../src/core/types.js';

/** 2026-11-02T09:00:00Z in µs: a fixed time for every fixture. */
export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0) * 1000;

/** A finished TCP flow whose id carries a sequence number (`seq-000042`), for order checks. */
export function flowEvent(seq: number, serverName?: string): SensorEvent {
  const flow: FlowRecord = {
    id: `seq-${String(seq).padStart(6, '0')}`,
    origin: 'packet', transport: 'tcp', protoNumber: 6,
    origIp: '10.0.0.5', origPort: 40000 + (seq % 20000), respIp: '89.44.169.135', respPort: 443,
    origBytes: 1000 + seq, origPackets: 10, respBytes: 500, respPackets: 8,
    origFrameBytes: 1200 + seq, respFrameBytes: 600,
    start: T0 + seq * 1000, end: T0 + seq * 1000 + 500,
    origTcpFlags: 0x1b, respTcpFlags: 0x1b,
    communityId: '1:abcdefghijklmnopqrstuvwxyz0=', direction: 'outbound', endReason: 'fin',
    app: 'tls', ...(serverName !== undefined ? { serverName } : {}),
  };
  return { type: 'flow', flow };
}

/** An alert about an upload to MEGA; `domain` and `reason` may be hostile strings. */
export function alertEvent(opts: { score?: number; band?: Alert['band']; domain?: string; reason?: string; ruleName?: string; seq?: number } = {}): SensorEvent {
  const alert: Alert = {
    ts: T0 + 5_000_000,
    ruleId: 'EXF-001',
    ruleName: opts.ruleName ?? 'Large upload to cloud storage',
    technique: 'T1567.002',
    riskScore: opts.score ?? 85,
    band: opts.band ?? 'high',
    reason: opts.reason ?? '10.0.0.5 sent 65 MB to MEGA in 2 minutes',
    sourceIp: '10.0.0.5',
    destination: {
      service: 'mega', ips: ['89.44.169.135'], domain: opts.domain ?? 'gfs270n171.userstorage.mega.co.nz',
      asNumber: 205809, asOrganization: 'Mega Limited', provider: 'MEGA', category: 'cloud-storage', port: 443,
    },
    transport: 'tcp', bytesOut: 65_341_647, bytesIn: 1_213_434,
    start: T0, end: T0 + 5_000_000, action: 'new',
    evidence: { ratio: 0.98, flows: opts.seq ?? 3, sni: opts.domain ?? 'gfs270n171.userstorage.mega.co.nz' },
  };
  return { type: 'alert', alert };
}

const ep: Endpoints = {
  transport: 'tcp', clientIp: '10.0.0.5', clientPort: 51000, serverIp: '203.0.113.9', serverPort: 80,
  communityId: '1:xyz=', flowId: 'f1', direction: 'outbound',
};

/** An HTTP PUT with a hostile host, target and user agent. */
export function httpEvent(hostile: string): SensorEvent {
  return { type: 'http', http: { ts: T0, endpoints: ep, method: 'PUT', target: `/up/${hostile}`, version: '1.1', host: hostile, userAgent: hostile, contentLength: 100, bodyBytes: 100 } };
}

/** A DNS answer and an FTP STOR carrying a hostile name. */
export function dnsEvent(name: string): SensorEvent {
  return { type: 'dns', dns: { ts: T0, endpoints: { ...ep, transport: 'udp', serverPort: 53 }, id: 7, questionName: name, questionType: 'A', questionClass: 'IN', type: 'answer', responseCode: 'NOERROR', answers: [{ name, type: 'A', ttl: 60, data: '1.2.3.4' }], headerFlags: ['RD', 'RA'] } };
}
export function ftpEvent(arg: string): SensorEvent {
  return { type: 'ftp', ftp: { ts: T0, endpoints: { ...ep, serverPort: 21 }, command: 'STOR', argument: arg, replyCode: 150 } };
}
