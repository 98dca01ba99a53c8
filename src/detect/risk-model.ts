import type { RiskBand } from '../core/types.js';
import type { DetectConfig } from './config.js';
import type { HostWindow } from './host-windows.js';
import { RULES, type Rule } from './rules.js';
import { pcr } from './upload-scorer.js';

/** What kind of destination a window's service is. */
export type DestinationKind = 'cloud-storage' | 'file-sharing' | 'other-cloud' | 'external';

/** One line of the score's explanation. */
export interface ScorePart {
  readonly factor: string;
  readonly points: number;
}

/** The model's verdict on a window. */
export interface Assessment {
  readonly rule: Rule;
  readonly score: number;
  readonly band: RiskBand;
  readonly pcr: number;
  readonly parts: readonly ScorePart[];
}

/** Severity band of a score: low < 40, medium < 70, high < 90, critical. */
export function bandOf(score: number): RiskBand {
  return score < 40 ? 'low' : score < 70 ? 'medium' : score < 90 ? 'high' : 'critical';
}

const BAND_RANK: Record<RiskBand, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** True when `b` is a higher band than `a` (or `a` is none yet). */
export function climbs(a: RiskBand | undefined, b: RiskBand): boolean {
  return a === undefined || BAND_RANK[b] > BAND_RANK[a];
}

/**
 * Scores a window: volume tier of bytes out, plus points for the destination kind and each piece of
 * evidence; nothing when the window is below the upload floor or not upload-dominant. Score 0–100.
 * Flags read from the window: dns_indicator, sni_upload_domain, http_upload, ftp_stor, rclone_user_agent,
 * ja4_listed, container_source.
 */
export function assess(w: HostWindow, kind: DestinationKind, cfg: DetectConfig): Assessment | undefined {
  const ratio = pcr(w.bytesOut, w.bytesIn);
  if (w.bytesOut < cfg.min_upload_bytes || ratio <= cfg.min_pcr) return undefined;
  const tier = [...cfg.volume_tiers].sort((a, b) => b.bytes - a.bytes).find((t) => w.bytesOut >= t.bytes);
  const parts: ScorePart[] = [{ factor: `volume ≥ ${mb(tier?.bytes ?? cfg.min_upload_bytes)}`, points: tier?.score ?? 0 }];
  const wt = cfg.weights;
  const add = (factor: string, points: number, when: boolean): void => {
    if (when && points !== 0) parts.push({ factor, points });
  };
  add('destination is cloud storage', wt.cloud_storage, kind === 'cloud-storage');
  add('destination is file sharing', wt.file_sharing, kind === 'file-sharing');
  add('destination is another cloud service', wt.other_cloud, kind === 'other-cloud');
  add(`strong asymmetry (PCR ${ratio.toFixed(2)})`, wt.strong_asymmetry, ratio > cfg.strong_pcr);
  add('client resolved an upload host', wt.dns_indicator, w.flags.has('dns_indicator'));
  add('TLS SNI names an upload host', wt.sni_upload_domain, w.flags.has('sni_upload_domain'));
  add('HTTP PUT/POST with a large body', wt.http_upload, w.flags.has('http_upload'));
  add('FTP STOR', wt.ftp_stor, w.flags.has('ftp_stor'));
  add('rclone User-Agent', wt.rclone_user_agent, w.flags.has('rclone_user_agent'));
  add('JA4 fingerprint listed in intel', wt.ja4_listed, w.flags.has('ja4_listed'));
  add('source is a container', wt.container_source, w.flags.has('container_source'));
  add('first time this host talks to this service', wt.first_seen, w.firstSeen);
  add(`${w.maxParallel} parallel connections`, wt.parallel, w.maxParallel >= cfg.parallel_min);
  const score = clamp(parts.reduce((s, p) => s + p.points, 0));
  return { rule: ruleFor(w, kind), score, band: bandOf(score), pcr: ratio, parts };
}

/** Cloud destinations are T1567.002; HTTP and FTP uploads elsewhere T1020; anything else T1048. */
function ruleFor(w: HostWindow, kind: DestinationKind): Rule {
  if (kind !== 'external') return RULES.cloudUpload;
  if (w.flags.has('ftp_stor')) return RULES.ftpUpload;
  if (w.flags.has('http_upload')) return RULES.httpUpload;
  return RULES.externalUpload;
}

export function clamp(score: number): number {
  return Math.max(0, Math.min(100, Math.round(score)));
}

/** Bytes as MB (10^6) with one decimal below 10. */
export function mb(bytes: number): string {
  const v = bytes / 1e6;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} MB`;
}
