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

// Documents are built by assignment in field order, not with object spreads: spreading copies every
// field of every nested object again, per event. JSON.stringify writes fields in insertion order, and
// re-assigning an existing field keeps its place, as a later spread did.
type Doc = Record<string, EcsValue>;

// one observer object per sensor name: it is the same in every event
let observerFor = '';
let observerDoc: EcsDocument = {};

function observer(name: string): EcsDocument {
  if (name !== observerFor || observerFor === '') {
    observerFor = name;
    observerDoc = { name, type: 'sensor', product: 'exfilwatch', vendor: 'exfilwatch' };
  }
  return observerDoc;
}

function base(ts: Micros, kind: 'event' | 'alert', dataset: string, observerName: string, extra?: Doc): Doc {
  const event: Doc = { kind, dataset, module: 'exfilwatch' };
  if (extra !== undefined) for (const k in extra) event[k] = extra[k] as EcsValue;
  return { '@timestamp': isoMicros(ts), event, observer: observer(observerName) };
}

function protocolEvent(ts: Micros, dataset: string, observerName: string, action: string, web: boolean): Doc {
  const event: Doc = {
    kind: 'event', dataset, module: 'exfilwatch',
    category: web ? ['network', 'web'] : ['network'],
    type: web ? ['protocol', 'access'] : ['protocol'],
    action,
  };
  return { '@timestamp': isoMicros(ts), event, observer: observer(observerName) };
}

function addEndpoints(doc: Doc, ep: Endpoints): Doc {
  doc['source'] = { ip: ep.clientIp, port: ep.clientPort };
  doc['destination'] = { ip: ep.serverIp, port: ep.serverPort };
  doc['network'] = { transport: ep.transport, community_id: ep.communityId, direction: ep.direction };
  doc['flow'] = { id: ep.flowId };
  return doc;
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
  const event: Doc = {
    kind: 'event', dataset: DATASETS.flow, module: 'exfilwatch',
    category: ['network'],
    type: final ? ['connection', 'end'] : ['connection'],
    action: final ? 'flow-end' : 'flow-update',
    reason: f.endReason,
    start: isoMicros(f.start),
    end: isoMicros(f.end),
    duration: Math.round((f.end - f.start) * 1000),
  };
  const doc: Doc = { '@timestamp': isoMicros(f.end), event, observer: observer(observerName) };
  doc['source'] = { ip: f.origIp, port: f.origPort, bytes: f.origBytes, packets: f.origPackets };
  const destination: Doc = { ip: f.respIp, port: f.respPort, bytes: f.respBytes, packets: f.respPackets };
  let ext: EcsDocument | undefined;
  if (intel !== undefined || f.serverName !== undefined) {
    const i = intelDoc(intel, f.serverName);
    for (const k in i.dest) destination[k] = i.dest[k] as EcsValue;
    ext = i.ext;
  }
  doc['destination'] = destination;
  const network: Doc = {
    transport: f.transport,
    iana_number: String(f.protoNumber),
    community_id: f.communityId,
    direction: f.direction,
    bytes: f.origBytes + f.respBytes,
    packets: f.origPackets + f.respPackets,
  };
  if (f.app !== undefined) network['protocol'] = f.app;
  if (f.vlan !== undefined) network['vlan'] = { id: String(f.vlan) };
  doc['network'] = network;
  const flow: Doc = { id: f.id, origin: f.origin };
  if (f.origin === 'packet') flow['frame_bytes'] = { source: f.origFrameBytes, destination: f.respFrameBytes };
  doc['flow'] = flow;
  if (f.origin === 'netflow' && f.exporter) doc['netflow'] = { exporter: { address: f.exporter } };
  const own: Doc = {};
  if (ext !== undefined && Object.keys(ext).length > 0) own['destination'] = ext;
  if (f.ftpControlId !== undefined) own['ftp'] = { control_flow_id: f.ftpControlId };
  own['tcp_flags'] = { source: f.origTcpFlags, destination: f.respTcpFlags };
  doc['exfilwatch'] = own;
  return doc;
}

// Like Suricata's EVE, answers carry `data` only where it is an address, a name or text; signatures,
// keys and other binary records keep their name, type and TTL.
const DATA_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'DNAME', 'NAPTR', 'TXT', 'SPF']);

function dnsDoc(d: DnsTransaction, observerName: string): EcsDocument {
  const resolved: string[] = [];
  const answers: EcsDocument[] = [];
  for (const a of d.answers) {
    if (a.type === 'A' || a.type === 'AAAA') resolved.push(a.data);
    answers.push(DATA_TYPES.has(a.type) ? { name: a.name, type: a.type, ttl: a.ttl, data: a.data } : { name: a.name, type: a.type, ttl: a.ttl });
  }
  const doc = addEndpoints(protocolEvent(d.ts, DATASETS.dns, observerName, 'dns-transaction', false), d.endpoints);
  const dns: Doc = {
    type: d.type,
    id: String(d.id),
    question: { name: d.questionName, type: d.questionType, class: d.questionClass },
  };
  if (d.responseCode !== undefined) dns['response_code'] = d.responseCode;
  dns['header_flags'] = [...d.headerFlags];
  dns['answers'] = answers;
  if (resolved.length > 0) dns['resolved_ip'] = resolved;
  doc['dns'] = dns;
  if (d.rtt !== undefined) doc['exfilwatch'] = { dns: { rtt_us: d.rtt } };
  return doc;
}

function tlsDoc(t: TlsClientHello, observerName: string): EcsDocument {
  const doc = addEndpoints(protocolEvent(t.ts, DATASETS.tls, observerName, 'tls-client-hello', false), t.endpoints);
  const client: Doc = { ja4: t.ja4 };
  if (t.serverName !== undefined) client['server_name'] = t.serverName;
  doc['tls'] = { version: t.version, version_protocol: 'tls', client };
  // replaces the endpoints' destination in its place
  if (t.serverName !== undefined) doc['destination'] = { ip: t.endpoints.serverIp, port: t.endpoints.serverPort, domain: t.serverName };
  if (t.alpn.length > 0) doc['exfilwatch'] = { tls: { alpn: [...t.alpn] } };
  return doc;
}

function httpDoc(h: HttpRequest, observerName: string): EcsDocument {
  const q = h.target.indexOf('?');
  const path = q >= 0 ? h.target.slice(0, q) : h.target;
  const host = h.host !== undefined ? stripPort(h.host) : undefined;
  const doc = addEndpoints(protocolEvent(h.ts, DATASETS.http, observerName, 'http-request', true), h.endpoints);
  const request: Doc = { method: h.method, body: { bytes: h.bodyBytes } };
  if (h.contentLength !== undefined) request['bytes'] = h.contentLength;
  doc['http'] = { version: h.version, request };
  const url: Doc = { original: h.target, path };
  if (q >= 0) url['query'] = h.target.slice(q + 1);
  if (host !== undefined) url['domain'] = host;
  doc['url'] = url;
  if (h.userAgent !== undefined) doc['user_agent'] = { original: h.userAgent };
  return doc;
}

function endpointsDoc(ep: Endpoints): EcsDocument {
  return addEndpoints({}, ep);
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
