/**
 * Shared types of the data path, declared once. Each stage imports these and never redeclares them:
 * ingest → RawFrame, decode → DecodedPacket, flow/app → FlowRecord + observations,
 * detect → Alert, output → ECS documents (built in output/ecs.ts).
 *
 * Time everywhere is microseconds since the Unix epoch as a JS number (exact up to year 2255);
 * nanosecond captures are rounded down to the microsecond.
 */

/** Microseconds since the Unix epoch. */
export type Micros = number;

/** One captured frame as a reader hands it on. `data` may be a view into a reused buffer: copy to keep. */
export interface RawFrame {
  /** capture time, µs since epoch */
  readonly ts: Micros;
  /** pcap LINKTYPE_* value of the interface the frame came from */
  readonly linkType: number;
  /** captured bytes (may be shorter than origLen when snaplen cut it) */
  readonly data: Uint8Array;
  /** length on the wire */
  readonly origLen: number;
  /** pcapng interface id (0 for classic pcap and live) */
  readonly interfaceId: number;
}

/** IP protocol numbers the sensor names. */
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132 } as const;

/** TCP flag bits as in the TCP header. */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

/**
 * A decoded IP packet (after fragment reassembly). Decoders fill one reused object; the flow table reads
 * it synchronously and must copy what it keeps. Bytes are attacker-controlled.
 */
export interface DecodedPacket {
  ts: Micros;
  ipVersion: 4 | 6;
  /** 4 or 16 address bytes (view) */
  src: Uint8Array;
  dst: Uint8Array;
  /** transport protocol number (IPPROTO) */
  proto: number;
  /** 0 when the protocol has no ports */
  srcPort: number;
  dstPort: number;
  /** IP-layer bytes of every frame folded into this packet (IPv4 total length, IPv6 payload length + 40) */
  ipBytes: number;
  /** link-layer bytes on the wire of every frame folded into this packet */
  frameBytes: number;
  /** frames folded into this packet: 1, or the number of IP fragments reassembled into it */
  frames: number;
  /** TCP flags (0 for non-TCP) */
  tcpFlags: number;
  /** TCP sequence and acknowledgement numbers (unsigned 32 bit; 0 for non-TCP) */
  seq: number;
  ack: number;
  /** transport payload (view); may be shorter than the header says when the frame was cut */
  payload: Uint8Array;
  /** outermost 802.1Q VLAN id, or -1 */
  vlan: number;
}

/** Result of decoding one frame: a packet, or a named anomaly that the caller counts. */
export type DecodeResult =
  | { readonly ok: true; readonly packet: DecodedPacket }
  /** a non-final fragment was stored; the datagram is not complete yet */
  | { readonly ok: false; readonly pending: true }
  /** not IP, or not something the sensor tracks (ARP, LLDP, …): counted by name, not an error */
  | { readonly ok: false; readonly pending?: false; readonly skipped: string }
  /** malformed or truncated: counted by name (e.g. `ipv4.bad_ihl`) */
  | { readonly ok: false; readonly pending?: false; readonly anomaly: string };

/** Transport names as ECS `network.transport` writes them. */
export type Transport = 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp' | 'sctp' | `ip-proto-${number}`;

/** ECS network.direction from the configured local networks (like Zeek's Site::local_nets). */
export type NetworkDirection = 'outbound' | 'inbound' | 'internal' | 'external';

/** Why a flow report was written. `active` reports are cumulative and the flow keeps counting. */
export type FlowEndReason = 'idle' | 'active' | 'fin' | 'rst' | 'evicted' | 'shutdown';

/** Application protocol a flow was recognised as. */
export type AppProto = 'dns' | 'tls' | 'http' | 'ftp' | 'ftp-data';

/**
 * A bidirectional flow, from packets (flow table) or from NetFlow/IPFIX (paired records).
 * orig = the side that sent the first packet (the SYN sender when seen). Bytes are IP-layer bytes.
 */
export interface FlowRecord {
  /** stable id of this flow across its active-timeout reports (unique within a sensor run) */
  readonly id: string;
  readonly origin: 'packet' | 'netflow';
  readonly transport: Transport;
  readonly protoNumber: number;
  readonly origIp: string;
  readonly origPort: number;
  readonly respIp: string;
  readonly respPort: number;
  readonly origBytes: number;
  readonly origPackets: number;
  readonly respBytes: number;
  readonly respPackets: number;
  /** link-layer bytes each way (packet origin only; 0 for NetFlow) */
  readonly origFrameBytes: number;
  readonly respFrameBytes: number;
  readonly start: Micros;
  readonly end: Micros;
  /** OR of TCP flags seen each way */
  readonly origTcpFlags: number;
  readonly respTcpFlags: number;
  readonly communityId: string;
  readonly direction: NetworkDirection;
  readonly endReason: FlowEndReason;
  readonly app?: AppProto;
  /** SNI or HTTP Host seen on this flow */
  readonly serverName?: string;
  /** for an FTP data connection: the id of its control flow */
  readonly ftpControlId?: string;
  readonly vlan?: number;
  /** NetFlow: exporter address and observation domain / source id */
  readonly exporter?: string;
}

/** Endpoints of an observation, as the flow saw them (client = originator). */
export interface Endpoints {
  readonly transport: Transport;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  readonly communityId: string;
  readonly flowId: string;
  readonly direction: NetworkDirection;
}

/** One DNS resource record; `data` is the address, target name, or a text rendering. */
export interface DnsAnswer {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly data: string;
}

/** A DNS transaction: a query and its response matched by id and 5-tuple (either may be missing). */
export interface DnsTransaction {
  readonly ts: Micros;
  readonly endpoints: Endpoints;
  readonly id: number;
  readonly questionName: string;
  readonly questionType: string;
  readonly questionClass: string;
  /** 'answer' when a response was seen, else 'query' */
  readonly type: 'query' | 'answer';
  readonly responseCode?: string;
  readonly answers: readonly DnsAnswer[];
  /** header flags set in the response (or query): AA, TC, RD, RA, AD, CD */
  readonly headerFlags: readonly string[];
  readonly rtt?: Micros;
}

/** A TLS ClientHello. */
export interface TlsClientHello {
  readonly ts: Micros;
  readonly endpoints: Endpoints;
  readonly serverName?: string;
  readonly alpn: readonly string[];
  /** highest version offered: from supported_versions when present, else the hello version; e.g. '1.3' */
  readonly version: string;
  readonly ja4: string;
}

/** An HTTP/1.x request. */
export interface HttpRequest {
  readonly ts: Micros;
  readonly endpoints: Endpoints;
  readonly method: string;
  /** request-target as sent */
  readonly target: string;
  readonly version: string;
  readonly host?: string;
  readonly userAgent?: string;
  /** Content-Length header value, when present and numeric */
  readonly contentLength?: number;
  /** body bytes seen on the wire for this request (counted for PUT/POST and any request with a body) */
  readonly bodyBytes: number;
}

/** One FTP control command (with the reply code when seen). */
export interface FtpCommand {
  readonly ts: Micros;
  readonly endpoints: Endpoints;
  readonly command: string;
  readonly argument: string;
  readonly replyCode?: number;
  readonly replyMessage?: string;
  /** for STOR/RETR/…: the data connection that carried the file, when it was tied back */
  readonly dataFlowId?: string;
  readonly dataBytes?: number;
}

/** MITRE ATT&CK techniques the sensor raises. */
export type TechniqueId = 'T1567.002' | 'T1020' | 'T1048';

/** Severity band of a risk score: low < 40, medium < 70, high < 90, critical. */
export type RiskBand = 'low' | 'medium' | 'high' | 'critical';

/** What an alert is about on the far side: the service, with everything intel said. */
export interface AlertDestination {
  /** name of the aggregation key: provider, domain family, ASN or a single IP */
  readonly service: string;
  readonly ips: readonly string[];
  readonly domain?: string;
  readonly asNumber?: number;
  readonly asOrganization?: string;
  readonly provider?: string;
  readonly category?: string;
  readonly port?: number;
}

/** A risk-scored alert. */
export interface Alert {
  readonly ts: Micros;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly technique: TechniqueId;
  readonly riskScore: number;
  readonly band: RiskBand;
  /** one sentence an analyst reads first */
  readonly reason: string;
  /** the internal host */
  readonly sourceIp: string;
  readonly destination: AlertDestination;
  readonly transport?: Transport;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly start: Micros;
  readonly end: Micros;
  /** lifecycle: first crossing, a band climb, or the window's closing summary */
  readonly action: 'new' | 'escalated' | 'summary';
  /** evidence as flat keys under exfilwatch.* (attacker-derived strings are escaped by the formatters) */
  readonly evidence: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** the allowlist entry that applied, if any */
  readonly allowlisted?: string;
}

/** What intel knows of a destination address or name (attached to flow events). */
export interface DestinationIntel {
  readonly asNumber?: number;
  readonly asOrganization?: string;
  readonly domain?: string;
  readonly provider?: string;
  readonly service?: string;
  readonly category?: string;
  readonly region?: string;
}

/** Every event the sensor emits; output/ecs.ts turns each into one ECS JSON document. */
export type SensorEvent =
  | { readonly type: 'flow'; readonly flow: FlowRecord; readonly intel?: DestinationIntel }
  | { readonly type: 'dns'; readonly dns: DnsTransaction }
  | { readonly type: 'tls'; readonly tls: TlsClientHello }
  | { readonly type: 'http'; readonly http: HttpRequest }
  | { readonly type: 'ftp'; readonly ftp: FtpCommand }
  | { readonly type: 'alert'; readonly alert: Alert };

export type SensorEventType = SensorEvent['type'];

/** Where events go. */
export type EmitFn = (event: SensorEvent) => void;

/** Fails the build where a switch over a union misses a case. */
export function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
