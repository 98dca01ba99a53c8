import type { FlowRecord } from '../core/types.js';

/** A flow seen from its internal host: what it sent out and received. */
export interface UploadView {
  readonly internalIp: string;
  readonly externalIp: string;
  readonly externalPort: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  /** producer-consumer ratio (out - in) / (out + in), from -1 (pure download) to +1 (pure upload) */
  readonly pcr: number;
  /** seconds */
  readonly duration: number;
  /** bytes out per second */
  readonly rateOut: number;
  /** over the per-flow floor and upload-dominant */
  readonly candidate: boolean;
}

/** Producer-consumer ratio; 0 when nothing moved. */
export function pcr(out: number, inn: number): number {
  return out + inn === 0 ? 0 : (out - inn) / (out + inn);
}

/**
 * The upload view of a flow crossing the local boundary; undefined for internal-only or transit flows.
 * An inbound flow counts only as an FTP active-mode data connection (the server connects back and the
 * internal client sends): an internal server answering the internet is serving, not exfiltrating.
 */
export function uploadView(f: FlowRecord, minBytes: number, minPcr: number): UploadView | undefined {
  let internalIp: string, externalIp: string, externalPort: number, out: number, inn: number;
  if (f.direction === 'outbound') {
    internalIp = f.origIp; externalIp = f.respIp; externalPort = f.respPort; out = f.origBytes; inn = f.respBytes;
  } else if (f.direction === 'inbound' && f.app === 'ftp-data') {
    internalIp = f.respIp; externalIp = f.origIp; externalPort = f.origPort; out = f.respBytes; inn = f.origBytes;
  } else {
    return undefined;
  }
  const duration = Math.max(0, (f.end - f.start) / 1e6);
  const ratio = pcr(out, inn);
  return {
    internalIp, externalIp, externalPort, bytesOut: out, bytesIn: inn, pcr: ratio, duration,
    rateOut: duration > 0 ? out / duration : out,
    candidate: out >= minBytes && ratio > minPcr,
  };
}
