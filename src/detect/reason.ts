import type { Alert, AlertDestination, DestinationIntel } from '../core/types.js';
import type { HostWindow } from './host-windows.js';
import { mb, type Assessment } from './risk-model.js';

/** The parts of an alert that explain it: the sentence, the destination and the evidence fields. */
export interface WindowDescription {
  readonly reason: string;
  readonly destination: AlertDestination;
  readonly evidence: Alert['evidence'];
}

/**
 * One sentence an analyst reads first, e.g. "10.1.2.3 sent 182 MB to MEGA (AS205809) over 4 parallel
 * TLS connections to gfs270n071.userstorage.mega.co.nz in 12 min; received 0.4 MB".
 */
export function describeWindow(w: HostWindow, intel: DestinationIntel, a: Assessment, windowSec: number): WindowDescription {
  const flows = w.parts.size;
  const proto = w.flags.has('proto:FTP') ? 'FTP' : w.flags.has('proto:HTTP') ? 'HTTP' : w.flags.has('proto:TLS') ? 'TLS' : 'TCP';
  const conns = `${flows} ${w.maxParallel >= 2 ? `(up to ${w.maxParallel} parallel) ` : ''}${proto} connection${flows === 1 ? '' : 's'}`;
  const as = intel.asNumber !== undefined ? ` (AS${intel.asNumber}${intel.asOrganization && !w.service.includes(intel.asOrganization) ? ` ${intel.asOrganization}` : ''})` : '';
  const domains = [...w.domains];
  const to = domains.length > 0 ? ` to ${domains.slice(0, 2).join(', ')}${domains.length > 2 ? ` and ${domains.length - 2} more` : ''}` : '';
  const extras: string[] = [];
  const ua = w.notes.get('user_agent');
  if (w.flags.has('rclone_user_agent') && ua !== undefined) extras.push(`User-Agent ${ua}`);
  const file = w.notes.get('ftp_file');
  if (file !== undefined) extras.push(`STOR ${file}`);
  if (w.flags.has('http_upload')) extras.push(`HTTP ${w.notes.get('http_method') ?? 'PUT'} bodies`);
  const ind = w.notes.get('dns_indicator');
  if (ind !== undefined) extras.push(`after resolving ${ind}`);
  const zone = w.notes.get('source_zone');
  const who = zone !== undefined ? `${w.host} (${zone})` : w.host;
  const reason = `${who} sent ${mb(w.bytesOut)} to ${w.service}${as} over ${conns}${to} in ${duration(w.last - w.opened)}` +
    `${extras.length > 0 ? ` (${extras.join('; ')})` : ''}; received ${mb(w.bytesIn)}`;
  const destination: AlertDestination = {
    service: w.service,
    ips: [...w.ips].slice(0, 16),
    ...(domains[0] !== undefined ? { domain: domains[0] } : {}),
    ...(intel.asNumber !== undefined ? { asNumber: intel.asNumber } : {}),
    ...(intel.asOrganization !== undefined ? { asOrganization: intel.asOrganization } : {}),
    ...(intel.provider !== undefined ? { provider: intel.provider } : {}),
    ...(intel.category !== undefined ? { category: intel.category } : {}),
  };
  const evidence: Record<string, string | number | boolean | readonly string[]> = {
    producer_consumer_ratio: Number(a.pcr.toFixed(3)),
    window_seconds: windowSec,
    flow_count: flows,
    parallel_connections: w.maxParallel,
    destination_ip_count: w.ips.size,
    first_seen: w.firstSeen,
    score_parts: a.parts.map((p) => `${p.factor} +${p.points}`),
    indicators: [...w.flags].filter((f) => !f.startsWith('proto:')).sort(),
  };
  if (domains.length > 0) evidence['domains'] = domains;
  for (const k of ['user_agent', 'ftp_file', 'dns_indicator', 'ja4', 'source_zone', 'http_method'] as const) {
    const v = w.notes.get(k);
    if (v !== undefined) evidence[k] = v;
  }
  return { reason, destination, evidence };
}

function duration(us: number): string {
  const s = us / 1e6;
  if (s < 90) return `${Math.max(0, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
