import { setBounded } from '../core/bounded-map.js';
import type { Counters } from '../core/counters.js';
import type { FtpCommand, HttpRequest, Micros, TlsClientHello } from '../core/types.js';

/** What the app observers said about one flow, kept until the flow's final report. */
export interface FlowEvidence {
  sni?: string;
  ja4?: string;
  httpHost?: string;
  /** largest PUT/POST body on the flow, bytes */
  httpUploadBytes: number;
  httpUploads: number;
  httpMethod?: string;
  userAgent?: string;
  /** the flow is an FTP data connection that carried a STOR */
  ftpStor?: string;
}

/** Per client: the last time it resolved a cloud-storage upload host, and which. */
export interface DnsIndicator {
  readonly name: string;
  readonly provider: string;
  readonly ts: Micros;
}

/**
 * Evidence by flow id (TLS, HTTP), by FTP control flow (STOR file names, matched to the data
 * connection through FlowRecord.ftpControlId) and by client (DNS indicators). Each map is bounded;
 * the oldest entry goes first and is counted.
 */
export interface EvidenceStore {
  tls(t: TlsClientHello): void;
  http(h: HttpRequest, uploadMinBytes: number): void;
  ftp(c: FtpCommand): void;
  dnsIndicator(clientIp: string, ind: DnsIndicator): void;
  forFlow(flowId: string, ftpControlId: string | undefined): FlowEvidence | undefined;
  lastIndicator(clientIp: string): DnsIndicator | undefined;
  /** the flow ended: forget its evidence */
  drop(flowId: string): void;
}

export function createEvidenceStore(max: number, counters: Counters): EvidenceStore {
  const flows = new Map<string, FlowEvidence>();
  const stor = new Map<string, string>();
  const dns = new Map<string, DnsIndicator>();

  function bounded<V>(m: Map<string, V>, k: string, v: V): void {
    if (setBounded(m, k, v, max)) counters.inc('detect.evidence_evicted');
  }
  function entry(flowId: string): FlowEvidence {
    let e = flows.get(flowId);
    if (!e) {
      e = { httpUploadBytes: 0, httpUploads: 0 };
      bounded(flows, flowId, e);
    }
    return e;
  }

  return {
    tls(t) {
      const e = entry(t.endpoints.flowId);
      if (t.serverName !== undefined) e.sni = t.serverName.toLowerCase();
      e.ja4 = t.ja4;
    },
    http(h, uploadMinBytes) {
      const e = entry(h.endpoints.flowId);
      if (h.host !== undefined) e.httpHost = h.host.toLowerCase().replace(/:\d+$/, '');
      if (h.userAgent !== undefined) e.userAgent = h.userAgent;
      const body = Math.max(h.bodyBytes, h.contentLength ?? 0);
      if ((h.method === 'PUT' || h.method === 'POST') && body >= uploadMinBytes) {
        e.httpUploads++;
        e.httpMethod = h.method;
        e.httpUploadBytes = Math.max(e.httpUploadBytes, body);
      }
    },
    ftp(c) {
      if (c.command === 'STOR' || c.command === 'STOU' || c.command === 'APPE') bounded(stor, c.endpoints.flowId, c.argument);
    },
    dnsIndicator(clientIp, ind) {
      bounded(dns, clientIp, ind);
    },
    forFlow(flowId, ftpControlId) {
      const e = flows.get(flowId);
      const file = ftpControlId !== undefined ? stor.get(ftpControlId) : undefined;
      if (file === undefined) return e;
      return { ...(e ?? { httpUploadBytes: 0, httpUploads: 0 }), ftpStor: file };
    },
    lastIndicator: (ip) => dns.get(ip),
    drop(flowId) {
      flows.delete(flowId);
    },
  };
}
