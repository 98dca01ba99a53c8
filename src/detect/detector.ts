import { setBounded } from '../core/bounded-map.js';
import { isIP } from 'node:net';
import type { Counters } from '../core/counters.js';
import type { Alert, DestinationIntel, DnsTransaction, EmitFn, FlowRecord, Micros } from '../core/types.js';
import type { DetectConfig } from './config.js';
import { createDnsTracker } from './dns-tracker.js';
import type { Engine } from './engine.js';
import { createEvidenceStore, type FlowEvidence } from './evidence.js';
import { createHostWindows, noteDomain, type HostWindow } from './host-windows.js';
import type { AllowDestination, DetectIntel } from './intel-view.js';
import { describeWindow } from './reason.js';
import { assess, bandOf, climbs, clamp, type DestinationKind } from './risk-model.js';
import { RULES } from './rules.js';
import { uploadView } from './upload-scorer.js';

/** What the detector keeps per window besides totals: the intel of the service it aggregates. */
interface ServiceInfo {
  readonly kind: DestinationKind;
  readonly intel: DestinationIntel;
}

const RCLONE_UA = /^rclone\//i;

/**
 * The detection engine: DNS tracker, upload scorer, host windows and risk model over every observation.
 * Flow events leave enriched with what intel and DNS say of their destination; alerts follow the
 * lifecycle new → escalated (only when a band is climbed) → summary (when the window closes).
 */
export function createDetector(cfg: DetectConfig, intel: DetectIntel, counters: Counters): Engine {
  const dns = createDnsTracker(cfg.max_dns_entries, counters);
  const evidence = createEvidenceStore(cfg.max_flow_evidence, counters);
  const windows = createHostWindows(cfg.window, cfg.max_windows, cfg.max_seen_services, counters);
  const services = new WeakMap<HostWindow, ServiceInfo>();
  const indicatorAlerted = new Map<string, Micros>();
  const span = cfg.window * 1_000_000;

  function onDns(tx: DnsTransaction, out: EmitFn): void {
    dns.observe(tx);
    const cls = intel.classifyDomain(tx.questionName);
    if (!cls || cls.role !== 'upload') return;
    const client = tx.endpoints.clientIp;
    evidence.dnsIndicator(client, { name: tx.questionName.toLowerCase(), provider: cls.provider, ts: tx.ts });
    const key = `${client}|${cls.provider}`;
    const last = indicatorAlerted.get(key);
    if (last !== undefined && tx.ts - last < span) return;
    setBounded(indicatorAlerted, key, tx.ts, cfg.max_windows);
    const ips = tx.answers.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => a.data);
    const first = ips[0];
    const info = first !== undefined ? intel.enrich(first, tx.questionName) : intel.enrich('0.0.0.0', tx.questionName);
    const allow = intel.allowlisted(client, { ip: first ?? '', ...(info.asNumber !== undefined ? { asNumber: info.asNumber } : {}), domain: tx.questionName, provider: cls.provider, ...(cls.service !== undefined ? { service: cls.service } : {}) }, tx.ts);
    let score = cfg.dns_indicator_score;
    if (allow) {
      if (cfg.allowlist_action === 'suppress') { counters.inc('detect.alert_suppressed'); return; }
      score = clamp(score - cfg.allowlist_lower_by);
    }
    counters.inc('detect.alerts');
    const alert: Alert = {
      ts: tx.ts, ruleId: RULES.dnsUploadDomain.id, ruleName: RULES.dnsUploadDomain.name, technique: RULES.dnsUploadDomain.technique,
      riskScore: score, band: bandOf(score), action: 'new',
      reason: `${client} resolved ${tx.questionName}, an upload host of ${cls.service ?? cls.provider}${ips.length > 0 ? ` (${ips.slice(0, 3).join(', ')})` : ''}; no upload seen yet`,
      sourceIp: client,
      destination: { service: cls.provider, ips, domain: tx.questionName, provider: cls.provider, category: cls.category, ...asOf(info) },
      transport: tx.endpoints.transport, bytesOut: 0, bytesIn: 0, start: tx.ts, end: tx.ts,
      evidence: { indicator: 'dns', query_type: tx.questionType },
      ...(allow ? { allowlisted: allow.id } : {}),
    };
    out({ type: 'alert', alert });
  }

  function onFlow(f: FlowRecord, out: EmitFn): void {
    const view = uploadView(f, cfg.min_upload_bytes, cfg.min_pcr);
    const ev = evidence.forFlow(f.id, f.ftpControlId);
    if (!view) {
      out({ type: 'flow', flow: f });
      if (f.endReason !== 'active') evidence.drop(f.id);
      return;
    }
    const resolved = dns.nameFor(view.internalIp, view.externalIp, f.start);
    const domain = resolved?.name ?? hostName(f.serverName ?? ev?.sni ?? ev?.httpHost);
    const info = intel.enrich(view.externalIp, domain);
    // The ECS flow event describes the responder as destination: intel goes there only when the
    // external side is the responder (an inbound FTP data connection's external side is the source).
    out(f.direction === 'outbound' ? { type: 'flow', flow: f, intel: info } : { type: 'flow', flow: f });
    if (f.endReason !== 'active') evidence.drop(f.id);
    if (view.bytesOut === 0) return;
    const service = serviceKey(info, domain, view.externalIp);
    const w = windows.add(view.internalIp, service, f.id, f.start, f.end, view.bytesOut, view.bytesIn, view.externalIp);
    if (!services.has(w)) services.set(w, { kind: kindOf(info), intel: info });
    noteDomain(w, domain);
    gatherFlags(w, f, ev, view.internalIp, domain);
    if (view.candidate) w.flags.add('candidate');
    evaluate(w, f.end, 'live', out);
  }

  function gatherFlags(w: HostWindow, f: FlowRecord, ev: FlowEvidence | undefined, host: string, domain: string | undefined): void {
    const ind = evidence.lastIndicator(host);
    if (ind && f.start - ind.ts < span) { w.flags.add('dns_indicator'); w.notes.set('dns_indicator', ind.name); }
    const sniClass = ev?.sni !== undefined ? intel.classifyDomain(ev.sni) : undefined;
    if (sniClass?.role === 'upload') w.flags.add('sni_upload_domain');
    if (ev?.sni !== undefined || ev?.ja4 !== undefined || f.app === 'tls') w.flags.add('proto:TLS');
    if (ev && ev.httpUploads > 0) { w.flags.add('http_upload'); w.notes.set('http_method', ev.httpMethod ?? 'PUT'); }
    if (ev?.httpHost !== undefined || f.app === 'http') w.flags.add('proto:HTTP');
    if (ev?.userAgent !== undefined) {
      w.notes.set('user_agent', ev.userAgent);
      if (RCLONE_UA.test(ev.userAgent)) w.flags.add('rclone_user_agent');
    }
    if (ev?.ja4 !== undefined) {
      const label = intel.ja4Listed(ev.ja4);
      if (label !== undefined) { w.flags.add('ja4_listed'); w.notes.set('ja4', `${ev.ja4} (${label})`); }
    }
    if (f.app === 'ftp-data') {
      w.flags.add('proto:FTP');
      w.flags.add('ftp_stor');
      if (ev?.ftpStor !== undefined) w.notes.set('ftp_file', ev.ftpStor);
    }
    const zone = intel.zoneOf(host);
    if (zone === 'containers') w.flags.add('container_source');
    if (zone !== undefined) w.notes.set('source_zone', zone);
    if (domain !== undefined) w.notes.set('domain', domain);
  }

  function evaluate(w: HostWindow, ts: Micros, when: 'live' | 'closing', out: EmitFn): void {
    const info = services.get(w);
    if (!info) return;
    const a = assess(w, info.kind, cfg);
    if (!a) return;
    if (when === 'live' && !climbs(w.band, a.band)) return;
    if (when === 'closing' && w.band === undefined) return;
    const domain = w.notes.get('domain');
    const i = info.intel;
    const dest: AllowDestination = {
      ip: [...w.ips][0] ?? '',
      ...(i.asNumber !== undefined ? { asNumber: i.asNumber } : {}),
      ...(domain !== undefined ? { domain } : {}),
      ...(i.provider !== undefined ? { provider: i.provider } : {}),
      ...(i.service !== undefined ? { service: i.service } : {}),
    };
    const allow = intel.allowlisted(w.host, dest, ts);
    let score = a.score;
    if (allow) {
      if (cfg.allowlist_action === 'suppress') {
        if (when === 'live') { counters.inc('detect.alert_suppressed'); w.band = a.band; }
        return;
      }
      score = clamp(score - cfg.allowlist_lower_by);
    }
    const action = when === 'closing' ? 'summary' : w.band === undefined ? 'new' : 'escalated';
    if (when === 'live') w.band = a.band;
    counters.inc('detect.alerts');
    const d = describeWindow(w, info.intel, a, cfg.window);
    out({
      type: 'alert',
      alert: {
        ts, ruleId: a.rule.id, ruleName: a.rule.name, technique: a.rule.technique,
        riskScore: score, band: bandOf(score), action, reason: d.reason, sourceIp: w.host,
        destination: d.destination, transport: 'tcp', bytesOut: w.bytesOut, bytesIn: w.bytesIn, start: w.opened, end: w.last,
        evidence: d.evidence,
        ...(allow ? { allowlisted: allow.id + (allow.reason !== undefined ? `: ${allow.reason}` : '') } : {}),
      },
    });
  }

  return {
    handle(ev, out) {
      switch (ev.type) {
        case 'dns': out(ev); onDns(ev.dns, out); return;
        case 'tls': evidence.tls(ev.tls); out(ev); return;
        case 'http': evidence.http(ev.http, cfg.http_upload_min_bytes); out(ev); return;
        case 'ftp': evidence.ftp(ev.ftp); out(ev); return;
        case 'flow': onFlow(ev.flow, out); return;
        case 'alert': out(ev); return;
      }
    },
    tick(now, out) {
      for (const w of windows.closeIdle(now)) evaluate(w, now, 'closing', out);
    },
    finish(now, out) {
      for (const w of windows.closeAll()) evaluate(w, Math.max(now, w.last), 'closing', out);
    },
  };
}

/** A server name fit to stand as a domain: lower case, and not an address literal (Host: 203.0.113.50). */
function hostName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const n = name.toLowerCase();
  return isIP(n) !== 0 || n.startsWith('[') ? undefined : n;
}

function asOf(i: DestinationIntel): { asNumber?: number; asOrganization?: string } {
  return {
    ...(i.asNumber !== undefined ? { asNumber: i.asNumber } : {}),
    ...(i.asOrganization !== undefined ? { asOrganization: i.asOrganization } : {}),
  };
}

/** The destination a window aggregates over: provider, else the name's parent domain, else ASN, else IP. */
function serviceKey(info: DestinationIntel, domain: string | undefined, ip: string): string {
  if (info.service !== undefined) return info.service;
  if (info.provider !== undefined) return info.provider;
  if (domain !== undefined) return domain.split('.').slice(-2).join('.');
  if (info.asNumber !== undefined) return `AS${info.asNumber}`;
  return ip;
}

function kindOf(info: DestinationIntel): DestinationKind {
  const c = info.category;
  if (c === 'cloud-storage') return 'cloud-storage';
  if (c === 'file-sharing' || c === 'paste') return 'file-sharing';
  if (info.provider !== undefined || c !== undefined) return 'other-cloud';
  return 'external';
}
