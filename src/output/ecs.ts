import { assertNever, type Alert, type DestinationIntel, type DnsTransaction, type Endpoints, type FlowRecord, type FtpCommand, type HttpRequest, type Micros, type SensorEvent, type TlsClientHello } from '../core/types.js';

/** A JSON value of an ECS document. */
export type EcsValue = string | number | boolean | null | readonly EcsValue[] | EcsDocument;
/** One event as an ECS-shaped JSON object (nested objects, ECS field names). */
export interface EcsDocument { readonly [field: string]: EcsValue }

/** Dataset names, one per event type: the table is the documentation. */
export const DATASETS = {
  flow: 'exfilwatch.flow',
  dns: 'exfilwatch.dns',
  tls: 'exfilwatch.tls',
  http: 'exfilwatch.http',
  ftp: 'exfilwatch.ftp',
  alert: 'exfilwatch.alert',
} as const satisfies Record<SensorEvent['type'], string>;

/** Turns a sensor event into its ECS document. `observerName` names this sensor (observer.name). */
export function toEcs(ev: SensorEvent, observerName: string): EcsDocument {
  switch (ev.type) {
    case 'flow': return flowDoc(ev.flow, ev.intel, observerName);
    case 'dns': return dnsDoc(ev.dns, observerName);
    case 'tls': return tlsDoc(ev.tls, observerName);
    case 'http': return httpDoc(ev.http, observerName);
    case 'ftp': return ftpDoc(ev.ftp, observerName);
    case 'alert': return alertDoc(ev.alert, observerName);
    default: return assertNever(ev);
  }
}

/** Time of an event, for sorting and syslog headers. */
export function eventTime(ev: SensorEvent): Micros {
  switch (ev.type) {
    case 'flow': return ev.flow.end;
    case 'dns': return ev.dns.ts;
    case 'tls': return ev.tls.ts;
    case 'http': return ev.http.ts;
    case 'ftp': return ev.ftp.ts;
    case 'alert': return ev.alert.ts;
    default: return assertNever(ev);
  }
}

/** RFC 3339 UTC with microseconds, e.g. 2026-11-02T09:00:00.123456Z. */
export function isoMicros(us: Micros): string {
  const ms = Math.floor(us / 1000);
  const frac = String(Math.floor(us) % 1_000_000).padStart(6, '0');
  // events come in time order, so the date-and-second part repeats: build it once per second
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond) {
    isoPrefix = new Date(ms).toISOString().slice(0, 19);
    isoSecond = sec;
  }
  return isoPrefix + '.' + frac + 'Z';
}

let isoSecond = Number.NaN;
let isoPrefix = '';

function base(ts: Micros, kind: 'event' | 'alert', dataset: string, observerName: string, extra: EcsDocument = {}): EcsDocument {
  return {
    '@timestamp': isoMicros(ts),
    event: { kind, dataset, module: 'exfilwatch', ...extra },
    observer: { name: observerName, type: 'sensor', product: 'exfilwatch', vendor: 'exfilwatch' },
  };
}

function endpointsDoc(ep: Endpoints): EcsDocument {
  return {
    source: { ip: ep.clientIp, port: ep.clientPort },
    destination: { ip: ep.serverIp, port: ep.serverPort },
    network: { transport: ep.transport, community_id: ep.communityId, direction: ep.direction },
    flow: { id: ep.flowId },
  };
}

function intelDoc(intel: DestinationIntel | undefined, domain: string | undefined): { dest: EcsDocument; ext: EcsDocument } {
  const dest: Record<string, EcsValue> = {};
  const ext: Record<string, EcsValue> = {};
  if (intel?.asNumber !== undefined) dest['as'] = { number: intel.asNumber, ...(intel.asOrganization ? { organization: { name: intel.asOrganization } } : {}) };
  const d = intel?.domain ?? domain;
  if (d !== undefined) dest['domain'] = d;
  for (const k of ['provider', 'service', 'category', 'region'] as const) {
    const v = intel?.[k];
    if (v !== undefined) ext[k] = v;
  }
  return { dest, ext };
}

function flowDoc(f: FlowRecord, intel: DestinationIntel | undefined, observerName: string): EcsDocument {
  const final = f.endReason !== 'active';
  const { dest, ext } = intelDoc(intel, f.serverName);
  return {
    ...base(f.end, 'event', DATASETS.flow, observerName, {
      category: ['network'],
      type: final ? ['connection', 'end'] : ['connection'],
      action: final ? 'flow-end' : 'flow-update',
      reason: f.endReason,
      start: isoMicros(f.start),
      end: isoMicros(f.end),
      duration: Math.round((f.end - f.start) * 1000),
    }),
    source: { ip: f.origIp, port: f.origPort, bytes: f.origBytes, packets: f.origPackets },
    destination: { ip: f.respIp, port: f.respPort, bytes: f.respBytes, packets: f.respPackets, ...dest },
    network: {
      transport: f.transport,
      iana_number: String(f.protoNumber),
      community_id: f.communityId,
      direction: f.direction,
      bytes: f.origBytes + f.respBytes,
      packets: f.origPackets + f.respPackets,
      ...(f.app !== undefined ? { protocol: f.app } : {}),
      ...(f.vlan !== undefined ? { vlan: { id: String(f.vlan) } } : {}),
    },
    flow: { id: f.id, origin: f.origin, ...(f.origin === 'packet' ? { frame_bytes: { source: f.origFrameBytes, destination: f.respFrameBytes } } : {}) },
    ...(f.origin === 'netflow' && f.exporter ? { netflow: { exporter: { address: f.exporter } } } : {}),
    exfilwatch: {
      ...(Object.keys(ext).length > 0 ? { destination: ext } : {}),
      ...(f.ftpControlId !== undefined ? { ftp: { control_flow_id: f.ftpControlId } } : {}),
      tcp_flags: { source: f.origTcpFlags, destination: f.respTcpFlags },
    },
  };
}

// Like Suricata's EVE, answers carry `data` only where it is an address, a name or text; signatures,
// keys and other binary records keep their name, type and TTL.
const DATA_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'DNAME', 'NAPTR', 'TXT', 'SPF']);

function dnsDoc(d: DnsTransaction, observerName: string): EcsDocument {
  const resolved = d.answers.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => a.data);
  return {
    ...base(d.ts, 'event', DATASETS.dns, observerName, { category: ['network'], type: ['protocol'], action: 'dns-transaction' }),
    ...endpointsDoc(d.endpoints),
    dns: {
      type: d.type,
      id: String(d.id),
      question: { name: d.questionName, type: d.questionType, class: d.questionClass },
      ...(d.responseCode !== undefined ? { response_code: d.responseCode } : {}),
      header_flags: [...d.headerFlags],
      answers: d.answers.map((a) => ({ name: a.name, type: a.type, ttl: a.ttl, ...(DATA_TYPES.has(a.type) ? { data: a.data } : {}) })),
      ...(resolved.length > 0 ? { resolved_ip: resolved } : {}),
    },
    ...(d.rtt !== undefined ? { exfilwatch: { dns: { rtt_us: d.rtt } } } : {}),
  };
}

function tlsDoc(t: TlsClientHello, observerName: string): EcsDocument {
  return {
    ...base(t.ts, 'event', DATASETS.tls, observerName, { category: ['network'], type: ['protocol'], action: 'tls-client-hello' }),
    ...endpointsDoc(t.endpoints),
    tls: {
      version: t.version,
      version_protocol: 'tls',
      client: { ja4: t.ja4, ...(t.serverName !== undefined ? { server_name: t.serverName } : {}) },
    },
    ...(t.serverName !== undefined ? { destination: { ip: t.endpoints.serverIp, port: t.endpoints.serverPort, domain: t.serverName } } : {}),
    ...(t.alpn.length > 0 ? { exfilwatch: { tls: { alpn: [...t.alpn] } } } : {}),
  };
}

function httpDoc(h: HttpRequest, observerName: string): EcsDocument {
  const q = h.target.indexOf('?');
  const path = q >= 0 ? h.target.slice(0, q) : h.target;
  const host = h.host !== undefined ? stripPort(h.host) : undefined;
  return {
    ...base(h.ts, 'event', DATASETS.http, observerName, { category: ['network', 'web'], type: ['protocol', 'access'], action: 'http-request' }),
    ...endpointsDoc(h.endpoints),
    http: {
      version: h.version,
      request: { method: h.method, body: { bytes: h.bodyBytes }, ...(h.contentLength !== undefined ? { bytes: h.contentLength } : {}) },
    },
    url: {
      original: h.target,
      path,
      ...(q >= 0 ? { query: h.target.slice(q + 1) } : {}),
      ...(host !== undefined ? { domain: host } : {}),
    },
    ...(h.userAgent !== undefined ? { user_agent: { original: h.userAgent } } : {}),
  };
}

function ftpDoc(c: FtpCommand, observerName: string): EcsDocument {
  return {
    ...base(c.ts, 'event', DATASETS.ftp, observerName, { category: ['network'], type: ['protocol'], action: 'ftp-command' }),
    ...endpointsDoc(c.endpoints),
    ftp: {
      command: c.command,
      arg: c.argument,
      ...(c.replyCode !== undefined ? { reply: { code: c.replyCode, ...(c.replyMessage !== undefined ? { message: c.replyMessage } : {}) } } : {}),
      ...(c.dataFlowId !== undefined ? { data_flow_id: c.dataFlowId } : {}),
      ...(c.dataBytes !== undefined ? { data_bytes: c.dataBytes } : {}),
    },
  };
}

const TECHNIQUE_NAMES: Record<Alert['technique'], string> = {
  'T1567.002': 'Exfiltration Over Web Service: Exfiltration to Cloud Storage',
  T1020: 'Automated Exfiltration',
  T1048: 'Exfiltration Over Alternative Protocol',
};

function alertDoc(a: Alert, observerName: string): EcsDocument {
  const d = a.destination;
  return {
    ...base(a.ts, 'alert', DATASETS.alert, observerName, {
      category: ['network', 'threat'],
      type: ['indicator'],
      action: a.action,
      risk_score: a.riskScore,
      severity: a.riskScore,
      reason: a.reason,
      start: isoMicros(a.start),
      end: isoMicros(a.end),
    }),
    rule: { id: a.ruleId, name: a.ruleName, ruleset: 'exfilwatch' },
    threat: {
      framework: 'MITRE ATT&CK',
      technique: { id: [a.technique], name: [TECHNIQUE_NAMES[a.technique]] },
      tactic: { id: ['TA0010'], name: ['Exfiltration'] },
    },
    source: { ip: a.sourceIp, bytes: a.bytesOut },
    destination: {
      ...(d.ips[0] !== undefined ? { ip: d.ips[0] } : {}),
      ...(d.port !== undefined ? { port: d.port } : {}),
      bytes: a.bytesIn,
      ...(d.domain !== undefined ? { domain: d.domain } : {}),
      ...(d.asNumber !== undefined ? { as: { number: d.asNumber, ...(d.asOrganization ? { organization: { name: d.asOrganization } } : {}) } } : {}),
    },
    exfilwatch: {
      band: a.band,
      destination: {
        service: d.service,
        ips: [...d.ips],
        ...(d.provider !== undefined ? { provider: d.provider } : {}),
        ...(d.category !== undefined ? { category: d.category } : {}),
      },
      evidence: { ...a.evidence },
      ...(a.allowlisted !== undefined ? { allowlist: a.allowlisted } : {}),
    },
  };
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host;
  }
  const c = host.indexOf(':');
  return c >= 0 && host.indexOf(':', c + 1) < 0 ? host.slice(0, c) : host;
}
