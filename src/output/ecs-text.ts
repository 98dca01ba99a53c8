import type { DestinationIntel, DnsTransaction, Endpoints, FlowRecord, HttpRequest, SensorEvent, TlsClientHello } from '../core/types.js';
import { DATASETS, isoMicros } from './ecs.js';
import { FIELD_MAX_CHARS, capChars, wellFormed } from './format/sanitize.js';

// The JSON text of the common events (flow, dns, tls, http) written directly, without building the
// nested ECS document and stringifying it: that was the largest cost of a replay with JSON output. The
// text must be exactly safeJson(toEcs(ev)); test/output/ecs-text.test.ts compares both on every event of
// the sample and corpus captures and on hostile strings. Fields and their order follow ecs.ts.

// a string JSON.stringify writes between quotes unchanged, and safeJson would not touch
const PLAIN = /^[^"\\\u0000-\u001F\u007F-\u009F\u2028\u2029\uD800-\uDFFF]*$/;
const JSON_UNSAFE = /[\u007F-\u009F\u2028\u2029]/g;

function escapeUnsafe(ch: string): string {
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}

/** JSON string literal of `s` as safeJson writes it (well formed, capped, DEL/C1/U+2028-9 escaped). */
export function jsonString(s: string): string {
  if (s.length <= FIELD_MAX_CHARS && PLAIN.test(s)) return '"' + s + '"';
  return JSON.stringify(capChars(wellFormed(s))).replace(JSON_UNSAFE, escapeUnsafe);
}

// JSON.stringify writes NaN and ±Infinity as null, -0 as 0 (as String does)
function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

function strArray(a: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) out += (i > 0 ? ',' : '') + jsonString(a[i] as string);
  return out + ']';
}

let observerFor = '';
let observerText = '';

function observer(name: string): string {
  if (name !== observerFor || observerText === '') {
    observerFor = name;
    observerText = '"observer":{"name":' + jsonString(name) + ',"type":"sensor","product":"exfilwatch","vendor":"exfilwatch"}';
  }
  return observerText;
}

function protocolHead(ts: number, dataset: string, observerName: string, action: string, web: boolean): string {
  return '{"@timestamp":"' + isoMicros(ts) + '","event":{"kind":"event","dataset":"' + dataset + '","module":"exfilwatch",' +
    (web ? '"category":["network","web"],"type":["protocol","access"],' : '"category":["network"],"type":["protocol"],') +
    '"action":"' + action + '"},' + observer(observerName);
}

function endpointsText(ep: Endpoints, domain: string | undefined): string {
  return ',"source":{"ip":' + jsonString(ep.clientIp) + ',"port":' + num(ep.clientPort) +
    '},"destination":{"ip":' + jsonString(ep.serverIp) + ',"port":' + num(ep.serverPort) +
    (domain !== undefined ? ',"domain":' + jsonString(domain) : '') +
    '},"network":{"transport":' + jsonString(ep.transport) + ',"community_id":' + jsonString(ep.communityId) +
    ',"direction":' + jsonString(ep.direction) + '},"flow":{"id":' + jsonString(ep.flowId) + '}';
}

function flowText(f: FlowRecord, intel: DestinationIntel | undefined, observerName: string): string {
  const final = f.endReason !== 'active';
  let out = '{"@timestamp":"' + isoMicros(f.end) + '","event":{"kind":"event","dataset":"' + DATASETS.flow +
    '","module":"exfilwatch","category":["network"],' +
    (final ? '"type":["connection","end"],"action":"flow-end"' : '"type":["connection"],"action":"flow-update"') +
    ',"reason":' + jsonString(f.endReason) + ',"start":"' + isoMicros(f.start) + '","end":"' + isoMicros(f.end) +
    '","duration":' + num(Math.round((f.end - f.start) * 1000)) + '},' + observer(observerName) +
    ',"source":{"ip":' + jsonString(f.origIp) + ',"port":' + num(f.origPort) + ',"bytes":' + num(f.origBytes) +
    ',"packets":' + num(f.origPackets) + '},"destination":{"ip":' + jsonString(f.respIp) + ',"port":' + num(f.respPort) +
    ',"bytes":' + num(f.respBytes) + ',"packets":' + num(f.respPackets);
  let ext = '';
  if (intel !== undefined || f.serverName !== undefined) {
    if (intel?.asNumber !== undefined) {
      out += ',"as":{"number":' + num(intel.asNumber) +
        (intel.asOrganization ? ',"organization":{"name":' + jsonString(intel.asOrganization) + '}' : '') + '}';
    }
    const d = intel?.domain ?? f.serverName;
    if (d !== undefined) out += ',"domain":' + jsonString(d);
    if (intel !== undefined) {
      if (intel.provider !== undefined) ext += ',"provider":' + jsonString(intel.provider);
      if (intel.service !== undefined) ext += ',"service":' + jsonString(intel.service);
      if (intel.category !== undefined) ext += ',"category":' + jsonString(intel.category);
      if (intel.region !== undefined) ext += ',"region":' + jsonString(intel.region);
    }
  }
  out += '},"network":{"transport":' + jsonString(f.transport) + ',"iana_number":' + jsonString(String(f.protoNumber)) +
    ',"community_id":' + jsonString(f.communityId) + ',"direction":' + jsonString(f.direction) +
    ',"bytes":' + num(f.origBytes + f.respBytes) + ',"packets":' + num(f.origPackets + f.respPackets);
  if (f.app !== undefined) out += ',"protocol":' + jsonString(f.app);
  if (f.vlan !== undefined) out += ',"vlan":{"id":' + jsonString(String(f.vlan)) + '}';
  out += '},"flow":{"id":' + jsonString(f.id) + ',"origin":' + jsonString(f.origin);
  if (f.origin === 'packet') out += ',"frame_bytes":{"source":' + num(f.origFrameBytes) + ',"destination":' + num(f.respFrameBytes) + '}';
  out += '}';
  if (f.origin === 'netflow' && f.exporter) out += ',"netflow":{"exporter":{"address":' + jsonString(f.exporter) + '}}';
  out += ',"exfilwatch":{';
  if (ext !== '') out += '"destination":{' + ext.slice(1) + '},';
  if (f.ftpControlId !== undefined) out += '"ftp":{"control_flow_id":' + jsonString(f.ftpControlId) + '},';
  return out + '"tcp_flags":{"source":' + num(f.origTcpFlags) + ',"destination":' + num(f.respTcpFlags) + '}}}';
}

// as ecs.ts: answers carry `data` only where it is an address, a name or text
const DATA_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'DNAME', 'NAPTR', 'TXT', 'SPF']);

function dnsText(d: DnsTransaction, observerName: string): string {
  let answers = '';
  let resolved = '';
  for (const a of d.answers) {
    if (a.type === 'A' || a.type === 'AAAA') resolved += ',' + jsonString(a.data);
    answers += ',{"name":' + jsonString(a.name) + ',"type":' + jsonString(a.type) + ',"ttl":' + num(a.ttl) +
      (DATA_TYPES.has(a.type) ? ',"data":' + jsonString(a.data) : '') + '}';
  }
  let out = protocolHead(d.ts, DATASETS.dns, observerName, 'dns-transaction', false) + endpointsText(d.endpoints, undefined) +
    ',"dns":{"type":' + jsonString(d.type) + ',"id":' + jsonString(String(d.id)) +
    ',"question":{"name":' + jsonString(d.questionName) + ',"type":' + jsonString(d.questionType) +
    ',"class":' + jsonString(d.questionClass) + '}';
  if (d.responseCode !== undefined) out += ',"response_code":' + jsonString(d.responseCode);
  out += ',"header_flags":' + strArray(d.headerFlags) + ',"answers":[' + answers.slice(1) + ']';
  if (resolved !== '') out += ',"resolved_ip":[' + resolved.slice(1) + ']';
  out += '}';
  if (d.rtt !== undefined) out += ',"exfilwatch":{"dns":{"rtt_us":' + num(d.rtt) + '}}';
  return out + '}';
}

function tlsText(t: TlsClientHello, observerName: string): string {
  let out = protocolHead(t.ts, DATASETS.tls, observerName, 'tls-client-hello', false) + endpointsText(t.endpoints, t.serverName) +
    ',"tls":{"version":' + jsonString(t.version) + ',"version_protocol":"tls","client":{"ja4":' + jsonString(t.ja4);
  if (t.serverName !== undefined) out += ',"server_name":' + jsonString(t.serverName);
  out += '}}';
  if (t.alpn.length > 0) out += ',"exfilwatch":{"tls":{"alpn":' + strArray(t.alpn) + '}}';
  return out + '}';
}

function httpText(h: HttpRequest, observerName: string): string {
  const q = h.target.indexOf('?');
  const path = q >= 0 ? h.target.slice(0, q) : h.target;
  let out = protocolHead(h.ts, DATASETS.http, observerName, 'http-request', true) + endpointsText(h.endpoints, undefined) +
    ',"http":{"version":' + jsonString(h.version) + ',"request":{"method":' + jsonString(h.method) +
    ',"body":{"bytes":' + num(h.bodyBytes) + '}';
  if (h.contentLength !== undefined) out += ',"bytes":' + num(h.contentLength);
  out += '}},"url":{"original":' + jsonString(h.target) + ',"path":' + jsonString(path);
  if (q >= 0) out += ',"query":' + jsonString(h.target.slice(q + 1));
  if (h.host !== undefined) out += ',"domain":' + jsonString(stripPort(h.host));
  out += '}';
  if (h.userAgent !== undefined) out += ',"user_agent":{"original":' + jsonString(h.userAgent) + '}';
  return out + '}';
}

// the same as ecs.ts's stripPort
function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host;
  }
  const c = host.indexOf(':');
  return c >= 0 && host.indexOf(':', c + 1) < 0 ? host.slice(0, c) : host;
}

/**
 * One JSON line of a flow, DNS, TLS or HTTP event, byte for byte safeJson(toEcs(ev, observerName));
 * undefined for the other (rare) event types, which take the document path.
 */
export function ecsLine(ev: SensorEvent, observerName: string): string | undefined {
  switch (ev.type) {
    case 'flow': return flowText(ev.flow, ev.intel, observerName);
    case 'dns': return dnsText(ev.dns, observerName);
    case 'tls': return tlsText(ev.tls, observerName);
    case 'http': return httpText(ev.http, observerName);
    default: return undefined;
  }
}
