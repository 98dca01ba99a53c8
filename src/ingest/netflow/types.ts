import type { FlowEndReason, Micros, NetworkDirection } from '../../core/types.js';

/**
 * One unidirectional flow record as an exporter reported it, after sampling was applied.
 * Addresses are numbers (big-endian 32-bit words, IPv4 in the first word only), so a record holds no
 * view into the datagram and costs no allocation besides itself. Times are µs since the epoch, from the record.
 */
export interface UniFlow {
  /** exporter address (normalised text) */
  readonly exporterAddr: string;
  /** exporter address + observation domain / source id, e.g. `192.0.2.1/0` */
  readonly exporterScope: string;
  readonly family: 4 | 6;
  /** source address words (IPv4: s0 only, s1..s3 are 0) */
  readonly s0: number; readonly s1: number; readonly s2: number; readonly s3: number;
  /** destination address words (IPv4: d0 only, d1..d3 are 0) */
  readonly d0: number; readonly d1: number; readonly d2: number; readonly d3: number;
  readonly proto: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** IP bytes and packets, multiplied by the sampling rate */
  bytes: number;
  packets: number;
  start: Micros;
  end: Micros;
  tcpFlags: number;
  /** RFC 5103 reverse direction, when the exporter sent a biflow record */
  readonly reverse: { readonly bytes: number; readonly packets: number; readonly tcpFlags: number } | undefined;
  endReason: FlowEndReason | undefined;
  readonly vlan: number | undefined;
}

/** Decides ECS network.direction from the originator and responder addresses (text). */
export type DirectionFn = (origIp: string, respIp: string) => NetworkDirection;

/** Options of the collector. Every table has a bound; defaults are in `DEFAULT_COLLECTOR_OPTIONS`. */
export interface CollectorOptions {
  /** exporter addresses allowed to send; others are dropped and counted. Empty/absent = all allowed */
  readonly allowExporters?: readonly string[];
  /** configured sampling rate (1 in N) per exporter address; overrides what the exporter says */
  readonly samplingRates?: Readonly<Record<string, number>>;
  /** bound on templates kept over all exporters (oldest evicted, counted) */
  readonly maxTemplates?: number;
  /** bound on fields in one template; longer templates are dropped and counted */
  readonly maxTemplateFields?: number;
  /** bound on data sets buffered while their template is unknown (oldest evicted, counted) */
  readonly maxPendingSets?: number;
  /** bound on exporters and on exporter scopes (address + domain) tracked (oldest evicted, counted) */
  readonly maxExporters?: number;
  /** bound on unidirectional records waiting for their reverse (oldest emitted one-sided, counted) */
  readonly maxPendingRecords?: number;
  /** two directions pair when their time spans are no further apart than this, µs */
  readonly pairSlackMicros?: number;
  /** how long (export time, µs) an unpaired record waits for its reverse before it is emitted one-sided */
  readonly pairHoldMicros?: number;
  /** direction of a flow; the default calls RFC 1918/4193/loopback/link-local addresses local */
  readonly direction?: DirectionFn;
}

/** Statistics of one exporter address. */
export interface ExporterStats {
  readonly address: string;
  packets: number;
  records: number;
  /** records (v5, IPFIX) or export packets (v9) the sequence numbers say were lost */
  lostRecords: number;
  lostPackets: number;
  sequenceGaps: number;
  /** templates currently held for this exporter */
  templates: number;
  /** µs since epoch of the last datagram (receive time) */
  lastSeen: number;
  /** sampling rate in force (1 = unsampled) */
  samplingRate: number;
  versions: number[];
}

/** A NetFlow/IPFIX collector: datagrams in, bidirectional FlowRecords out through the callback. */
export interface Collector {
  /** decode one datagram; never throws on bad input (counted under `netflow.*`) */
  handleDatagram(buf: Uint8Array, exporter: { readonly address: string; readonly port: number }, receivedAt: Micros): void;
  /** emit pending unidirectional records whose hold expired at `now` (export time, µs); Infinity = all */
  flush(now: Micros): void;
  /** per-exporter statistics (copies) */
  exporters(): ExporterStats[];
  /** templates held now, over all exporters */
  templateCount(): number;
  /** unidirectional records waiting for their reverse */
  pendingRecords(): number;
  /** data sets buffered for an unknown template */
  pendingSets(): number;
}
