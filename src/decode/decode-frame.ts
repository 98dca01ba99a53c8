/**
 * decodeFrame: one captured frame → one DecodedPacket (reused), walking the edge tables: link type →
 * EtherType/tag layers → IPv4/IPv6 (+ fragment reassembly) → transport. Never throws on frame bytes.
 */
import type { DecodedPacket, DecodeResult, RawFrame } from '../core/types.js';
import type { DecoderState } from './decoder-state.js';
import { ETHERTYPE_EDGES } from './ethertype.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { LINK_DECODERS, type Step } from './link.js';

export { createDecoderState, DEFAULT_DECODER_BOUNDS } from './decoder-state.js';
export type { DecoderOptions, DecoderState } from './decoder-state.js';

const PENDING: DecodeResult = { ok: false, pending: true };

// results are interned per name so the common anomalies and skips allocate nothing after the first time
const anomalies = new Map<string, DecodeResult>();
const skips = new Map<string, DecodeResult>();

function anomaly(name: string): DecodeResult {
  let r = anomalies.get(name);
  if (r === undefined) {
    r = { ok: false, anomaly: name };
    if (anomalies.size < 4096) anomalies.set(name, r);
  }
  return r;
}

function skipped(name: string): DecodeResult {
  let r = skips.get(name);
  if (r === undefined) {
    r = { ok: false, skipped: name };
    if (skips.size < 4096) skips.set(name, r);
  }
  return r;
}

// A caller passes the same `out` packet after packet: reuse its success result instead of one per frame.
let okFor: DecodedPacket | undefined;
let okCached: DecodeResult = PENDING;

function okResult(out: DecodedPacket): DecodeResult {
  if (okFor !== out) {
    okFor = out;
    okCached = { ok: true, packet: out };
  }
  return okCached;
}

/** A DecodedPacket to pass to decodeFrame again and again. */
export function createDecodedPacket(): DecodedPacket {
  const empty = new Uint8Array(0);
  return {
    ts: 0, ipVersion: 4, src: empty, dst: empty, proto: 0, srcPort: 0, dstPort: 0, ipBytes: 0,
    frameBytes: 0, frames: 1, tcpFlags: 0, seq: 0, ack: 0, payload: empty, vlan: -1,
  };
}

/**
 * Decodes one frame into `out` (overwritten; views into frame.data or into the last reassembled datagram,
 * valid until the next call). Returns the packet, `pending` for a stored fragment, a named skip (not IP)
 * or a named anomaly (malformed); the caller counts skips and anomalies by name. Side events (fragment
 * evictions, timeouts, overlaps, truncated transport headers) are counted in state.counters.
 */
export function decodeFrame(frame: RawFrame, out: DecodedPacket, state: DecoderState): DecodeResult {
  const d = frame.data;
  const c = state.cursor;
  c.off = 0;
  c.end = d.length;
  c.vlan = -1;
  c.ipVersion = 0;
  c.reason = '';
  const link = LINK_DECODERS.get(frame.linkType);
  if (link === undefined) return skipped('link.unsupported');
  let step: Step = link(d, c);
  for (let layers = 0; step === 'ether'; layers++) {
    if (layers >= state.bounds.maxLayers) return anomaly('decode.too_many_layers');
    const edge = ETHERTYPE_EDGES.get(c.etherType);
    if (edge === undefined) return skipped('ethertype.other');
    if (typeof edge === 'string') return skipped(edge);
    step = edge(d, c);
  }
  if (step === 'skip') return skipped(c.reason);
  if (step === 'anomaly') return anomaly(c.reason);
  if (c.off >= c.end) return anomaly('ip.truncated');
  const version = c.ipVersion !== 0 ? c.ipVersion : d[c.off]! >> 4;
  out.ts = frame.ts;
  out.vlan = c.vlan;
  out.frames = 1;
  out.frameBytes = frame.origLen;
  let r: string;
  if (version === 4) r = decodeIpv4(d, frame, out, state);
  else if (version === 6) r = decodeIpv6(d, frame, out, state);
  else return anomaly('ip.bad_version');
  if (r === 'ok') return okResult(out);
  if (r === 'pending') return PENDING;
  return anomaly(r);
}
