import { readFileSync } from 'node:fs';
import { assertNever, type SensorEvent } from '../../core/types.js';
import { DATASETS, eventTime } from '../ecs.js';
import { capChars, cleanText, wellFormed } from './sanitize.js';

/** ArcSight CEF limits, in characters: header fields and extension values. */
export const CEF_LIMITS = { vendor: 63, product: 63, version: 31, signatureId: 1023, name: 512, extValue: 1023 } as const;
/** CEF severity of non-alert events (alerts: risk score / 10, 0–10). */
export const CEF_EVENT_SEVERITY = 0;

/** The sensor's version from package.json (src/output/format and dist/output/format both sit three levels down). */
export const SENSOR_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** Escapes a CEF header field: `\` and `|` get a backslash; controls (newlines too) become a space. */
export function escapeCefHeader(v: string, max: number): string {
  return cleanText(v, max, ' ').replace(/[\\|]/g, (c) => '\\' + c);
}

/** Escapes a CEF extension value: `\` and `=` get a backslash, CR/LF become `\r`/`\n`, other controls U+FFFD. */
export function escapeCefValue(v: string, max: number = CEF_LIMITS.extValue): string {
  return capChars(wellFormed(v.replace(/\r\n/g, '\n')), max).replace(CEF_VALUE_SPECIAL, (c) => CEF_VALUE_ESCAPES[c] ?? '\uFFFD');
}

const CEF_VALUE_SPECIAL = /[\\=\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;
const CEF_VALUE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '=': '\\=', '\n': '\\n', '\r': '\\r' };

type Ext = [string, string | number | undefined][];

function protoName(t: string | undefined): string | undefined {
  return t === undefined ? undefined : t.toUpperCase();
}

function endpointsExt(ep: { clientIp: string; clientPort: number; serverIp: string; serverPort: number; transport: string; communityId: string; flowId: string }): Ext {
  return [['src', ep.clientIp], ['spt', ep.clientPort], ['dst', ep.serverIp], ['dpt', ep.serverPort], ['proto', protoName(ep.transport)],
    ['cs2', ep.communityId], ['cs2Label', 'communityId'], ['cs6', ep.flowId], ['cs6Label', 'flowId']];
}

function extensions(ev: SensorEvent, observerName: string): Ext {
  const common: Ext = [['rt', Math.floor(eventTime(ev) / 1000)], ['cat', DATASETS[ev.type]], ['dvchost', observerName]];
  switch (ev.type) {
    case 'alert': {
      const a = ev.alert;
      const d = a.destination;
      return [...common, ['act', a.action], ['msg', a.reason], ['src', a.sourceIp], ['dst', d.ips[0]], ['dpt', d.port], ['proto', protoName(a.transport)],
        ['out', a.bytesOut], ['in', a.bytesIn], ['dhost', d.domain],
        ['cs1', a.technique], ['cs1Label', 'mitreTechnique'], ['cs3', a.band], ['cs3Label', 'riskBand'],
        ['cs4', d.provider ?? d.service], ['cs4Label', 'destinationService'],
        ['cs5', d.asOrganization], ['cs5Label', d.asOrganization !== undefined ? 'destinationAsOrganization' : undefined],
        ['cn1', a.riskScore], ['cn1Label', 'riskScore'], ['cn2', d.asNumber], ['cn2Label', d.asNumber !== undefined ? 'destinationAsn' : undefined],
        ['start', Math.floor(a.start / 1000)], ['end', Math.floor(a.end / 1000)]];
    }
    case 'flow': {
      const f = ev.flow;
      return [...common, ['act', f.endReason], ['src', f.origIp], ['spt', f.origPort], ['dst', f.respIp], ['dpt', f.respPort], ['proto', protoName(f.transport)],
        ['out', f.origBytes], ['in', f.respBytes], ['dhost', ev.intel?.domain ?? f.serverName], ['app', f.app],
        ['cs2', f.communityId], ['cs2Label', 'communityId'], ['cs6', f.id], ['cs6Label', 'flowId'],
        ['cn2', ev.intel?.asNumber], ['cn2Label', ev.intel?.asNumber !== undefined ? 'destinationAsn' : undefined],
        ['start', Math.floor(f.start / 1000)], ['end', Math.floor(f.end / 1000)]];
    }
    case 'dns':
      return [...common, ...endpointsExt(ev.dns.endpoints), ['cs5', ev.dns.questionName], ['cs5Label', 'dnsQuestionName'],
        ['cs1', ev.dns.questionType], ['cs1Label', 'dnsQuestionType'], ['cs3', ev.dns.responseCode], ['cs3Label', ev.dns.responseCode !== undefined ? 'dnsResponseCode' : undefined]];
    case 'tls':
      return [...common, ...endpointsExt(ev.tls.endpoints), ['dhost', ev.tls.serverName], ['cs5', ev.tls.ja4], ['cs5Label', 'ja4']];
    case 'http': {
      const h = ev.http;
      return [...common, ...endpointsExt(h.endpoints), ['dhost', h.host], ['request', h.host !== undefined ? `http://${h.host}${h.target}` : h.target],
        ['requestMethod', h.method], ['requestClientApplication', h.userAgent], ['out', h.bodyBytes]];
    }
    case 'ftp': {
      const c = ev.ftp;
      return [...common, ...endpointsExt(c.endpoints), ['cs5', `${c.command} ${c.argument}`], ['cs5Label', 'ftpCommand'],
        ['fname', c.command === 'STOR' || c.command === 'RETR' || c.command === 'APPE' ? c.argument : undefined], ['out', c.dataBytes]];
    }
    default: return assertNever(ev);
  }
}

/**
 * A CEF record on one line: `CEF:0|exfilwatch|exfilwatch|VERSION|signature|name|severity|ext`.
 * Alerts: signature = rule id, name = rule name, severity = risk score / 10. Other events: signature =
 * dataset type, severity CEF_EVENT_SEVERITY. `rt`/`start`/`end` are ms since epoch.
 */
export function formatCef(ev: SensorEvent, observerName: string, version: string = SENSOR_VERSION): string {
  const isAlert = ev.type === 'alert';
  const sig = isAlert ? ev.alert.ruleId : ev.type;
  const name = isAlert ? ev.alert.ruleName : `${ev.type} event`;
  const sev = isAlert ? Math.min(10, Math.max(0, Math.round(ev.alert.riskScore / 10))) : CEF_EVENT_SEVERITY;
  const head = ['CEF:0', escapeCefHeader('exfilwatch', CEF_LIMITS.vendor), escapeCefHeader('exfilwatch', CEF_LIMITS.product), escapeCefHeader(version, CEF_LIMITS.version),
    escapeCefHeader(sig, CEF_LIMITS.signatureId), escapeCefHeader(name, CEF_LIMITS.name), String(sev)].join('|');
  const seen = new Set<string>();
  const ext: string[] = [];
  for (const [k, v] of extensions(ev, observerName)) {
    if (v === undefined || v === '' || seen.has(k)) continue;
    if (k.endsWith('Label') && !seen.has(k.slice(0, -'Label'.length))) continue;
    seen.add(k);
    ext.push(`${k}=${escapeCefValue(String(v))}`);
  }
  return `${head}|${ext.join(' ')}`;
}
