/**
 * State the decoders carry between frames: the IP fragment table with its bounds, the counters for events
 * that are not the frame's own result (evictions, timeouts, overlaps), and one reused layer cursor.
 */
import { createCounters, type Counters } from '../core/counters.js';

/** Decoder bounds. Every one has a default; see docs/ingest-decode.md. */
export interface DecoderOptions {
  /** IP datagrams being reassembled at once; the oldest is evicted past it (`frag.evicted`). Default 1024. */
  readonly maxFragDatagrams?: number;
  /** largest reassembled IP payload, bytes; a fragment beyond it drops its datagram (`frag.too_large`). Default 65535. */
  readonly maxFragDatagramBytes?: number;
  /** fragments stored per datagram; past it the datagram is dropped (`frag.too_many_fragments`). Default 256. */
  readonly maxFragmentsPerDatagram?: number;
  /** a datagram not completed within this much packet time is dropped (`frag.timeout`), µs. Default 30 s. */
  readonly fragTimeoutMicros?: number;
  /** link/tag/label layers walked before the IP header (VLAN, MPLS, PPPoE…). Default 8. */
  readonly maxLayers?: number;
  /** IPv6 extension headers walked per packet. Default 16. */
  readonly maxExtHeaders?: number;
  /** where side events are counted; a private set when absent */
  readonly counters?: Counters;
}

/** One IP datagram being reassembled. */
export interface FragDatagram {
  readonly version: 4 | 6;
  /** copies of the addresses (the frames they came from are reused) */
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** packet time of the first fragment, µs */
  readonly first: number;
  /** IPv4 protocol, or the IPv6 next header after the fragment header (set from the first fragment) */
  proto: number;
  /** fragment payloads, in arrival order (copies) */
  readonly pieces: { readonly off: number; readonly data: Uint8Array }[];
  /** payload length once the last fragment was seen, else -1 */
  total: number;
  frames: number;
  ipBytes: number;
  frameBytes: number;
  vlan: number;
}

/** Where the link layers left off: the next header's offset, the end of valid bytes and what comes next. */
export interface Cursor {
  off: number;
  end: number;
  etherType: number;
  vlan: number;
  /** name of the anomaly or skip when a decoder stops */
  reason: string;
  /** set when a layer asserts the IP version (raw IPv4/IPv6 link types, PPP protocol) */
  ipVersion: 0 | 4 | 6;
}

/** Resolved bounds. */
export interface DecoderBounds {
  readonly maxFragDatagrams: number;
  readonly maxFragDatagramBytes: number;
  readonly maxFragmentsPerDatagram: number;
  readonly fragTimeoutMicros: number;
  readonly maxLayers: number;
  readonly maxExtHeaders: number;
}

/** Everything decodeFrame keeps between frames. Not shared between threads or pipelines. */
export interface DecoderState {
  readonly bounds: DecoderBounds;
  readonly counters: Counters;
  /** datagrams in flight, oldest first (Map insertion order) */
  readonly frags: Map<string, FragDatagram>;
  readonly cursor: Cursor;
  /** reassembled payload of the last completed datagram (kept so views into it stay valid until the next frame) */
  reassembled: Uint8Array;
  /** reused address arrays the decoders copy a packet's addresses into (no view per packet) */
  readonly addr: { readonly src4: Uint8Array; readonly dst4: Uint8Array; readonly src6: Uint8Array; readonly dst6: Uint8Array };
}

/** Default decoder bounds. */
export const DEFAULT_DECODER_BOUNDS: DecoderBounds = {
  maxFragDatagrams: 1024,
  maxFragDatagramBytes: 65535,
  maxFragmentsPerDatagram: 256,
  fragTimeoutMicros: 30_000_000,
  maxLayers: 8,
  maxExtHeaders: 16,
};

/** Creates decoder state with the given bounds (defaults for the rest). */
export function createDecoderState(opts: DecoderOptions = {}): DecoderState {
  const d = DEFAULT_DECODER_BOUNDS;
  return {
    bounds: {
      maxFragDatagrams: opts.maxFragDatagrams ?? d.maxFragDatagrams,
      maxFragDatagramBytes: opts.maxFragDatagramBytes ?? d.maxFragDatagramBytes,
      maxFragmentsPerDatagram: opts.maxFragmentsPerDatagram ?? d.maxFragmentsPerDatagram,
      fragTimeoutMicros: opts.fragTimeoutMicros ?? d.fragTimeoutMicros,
      maxLayers: opts.maxLayers ?? d.maxLayers,
      maxExtHeaders: opts.maxExtHeaders ?? d.maxExtHeaders,
    },
    counters: opts.counters ?? createCounters(),
    frags: new Map(),
    cursor: { off: 0, end: 0, etherType: 0, vlan: -1, reason: '', ipVersion: 0 },
    reassembled: new Uint8Array(0),
    addr: { src4: new Uint8Array(4), dst4: new Uint8Array(4), src6: new Uint8Array(16), dst6: new Uint8Array(16) },
  };
}
