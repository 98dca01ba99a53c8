/**
 * The shape of `pcaps/<name>.expected.json`: what a correct sensor must see in a capture. Every count
 * in it is taken from the frames the generator wrote, never typed by hand.
 */
import type { TechniqueId } from '../../src/core/types.js';

/** One bidirectional flow; orig is the side that sent the first packet (the SYN sender for TCP). */
export interface ExpectedFlow {
  readonly transport: 'tcp' | 'udp';
  readonly origIp: string;
  readonly origPort: number;
  readonly respIp: string;
  readonly respPort: number;
  /** packets and IP-layer bytes (IPv4 total length, IPv6 payload length + 40) each way */
  readonly origPackets: number;
  readonly origBytes: number;
  readonly respPackets: number;
  readonly respBytes: number;
  /** link-layer bytes on the wire each way (original frame length, padding included) */
  readonly origFrameBytes: number;
  readonly respFrameBytes: number;
  /** TCP payload bytes each way (0 for UDP) */
  readonly origPayloadBytes: number;
  readonly respPayloadBytes: number;
  /** first and last packet time, µs since epoch */
  readonly start: number;
  readonly end: number;
  /** pcapng interface id (0 in classic pcap) */
  readonly interfaceId: number;
  /** outermost VLAN id, when tagged */
  readonly vlan?: number;
}

/** A DNS transaction as the resolver answered it. */
export interface ExpectedDns {
  readonly transport: 'udp' | 'tcp';
  readonly clientIp: string;
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly rcode: string;
  readonly answers: readonly { readonly name: string; readonly type: string; readonly ttl: number; readonly data: string }[];
}

/** A TLS ClientHello. */
export interface ExpectedTls {
  readonly clientIp: string;
  readonly serverIp: string;
  readonly serverPort: number;
  /** absent when the hello carried no server_name */
  readonly sni?: string;
  readonly alpn: readonly string[];
  readonly version: string;
  readonly grease: boolean;
}

/** An HTTP/1.1 request. */
export interface ExpectedHttp {
  readonly clientIp: string;
  readonly serverIp: string;
  readonly serverPort: number;
  readonly method: string;
  readonly host: string;
  readonly target: string;
  readonly userAgent: string;
  /** Content-Length header value (0 when the request has none) */
  readonly contentLength: number;
  readonly responseCode: number;
}

/** One FTP control command with its final reply code. */
export interface ExpectedFtp {
  readonly clientIp: string;
  readonly serverIp: string;
  readonly command: string;
  readonly argument: string;
  readonly replyCode: number;
}

/**
 * A detection outcome. Alerts are compared on (technique, sourceIp, destination.service); `rule` is the
 * generator's name for the rule (see EXPECTED_RULES) for the detector's catalog to map.
 */
export interface ExpectedAlert {
  readonly rule: ExpectedRule;
  readonly technique: TechniqueId;
  readonly sourceIp: string;
  readonly destination: {
    readonly service: string;
    readonly ips: readonly string[];
    readonly domain?: string;
    readonly asNumber?: number;
    readonly port?: number;
  };
  /** bytes the host sent to the service (IP layer) */
  readonly bytesOut: number;
  readonly bytesIn: number;
}

/** Rule names the expected files use, with what each means. */
export const EXPECTED_RULES = {
  'cloud-storage-upload': 'upload-dominant volume from one internal host to a cloud storage service (per flow or per host window)',
  'cloud-storage-upload-low-and-slow': 'many small uploads to a cloud storage service that only cross the threshold summed over the host window',
  'http-put-external': 'large HTTP PUT/POST body to an external address that is not a known service',
  'ftp-stor-external': 'FTP STOR of a large file to an external server',
} as const;

/** A rule name of EXPECTED_RULES. */
export type ExpectedRule = keyof typeof EXPECTED_RULES;

/** The whole expected.json document. */
export interface ExpectedCapture {
  readonly generator: { readonly name: string; readonly version: number; readonly seed: number };
  readonly file: string;
  readonly format: 'pcap' | 'pcapng';
  readonly description: string;
  /** pcap LINKTYPE_* per interface (one entry for classic pcap) */
  readonly linkTypes: readonly number[];
  /** records in the file (complete ones, for a cut file) */
  readonly packets: number;
  /** records whose captured length is shorter than the frame (bulk segments kept in part) */
  readonly slicedPackets: number;
  /** bytes of each bulk frame kept; other frames are kept whole */
  readonly bulkSnapLen: number;
  readonly fileBytes: number;
  readonly start: number;
  readonly end: number;
  readonly flows: readonly ExpectedFlow[];
  readonly dns: readonly ExpectedDns[];
  readonly tls: readonly ExpectedTls[];
  readonly http: readonly ExpectedHttp[];
  readonly ftp: readonly ExpectedFtp[];
  /** what the detector must raise; [] means the capture must stay quiet */
  readonly alerts: readonly ExpectedAlert[];
  /** alerts an allowlist entry must suppress (present only in allowlist scenarios) */
  readonly suppressed?: readonly (ExpectedAlert & { readonly allowlist: { readonly sourceIp: string; readonly service: string } })[];
  /** for a deliberately cut file */
  readonly truncation?: { readonly completePackets: number; readonly cutRecordOffset: number; readonly fileBytes: number };
  /** TCP analysis flags tshark is expected to raise (normally none) */
  readonly expectedTcpAnalysisFlags: number;
  readonly notes: readonly string[];
}
