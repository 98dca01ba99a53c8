/**
 * IPv4/IPv6 fragment reassembly with explicit bounds: datagrams in flight (oldest evicted), bytes per
 * datagram, fragments per datagram, and a timeout in packet time. Overlapping data is counted and the
 * first copy received wins. Works on fragment payloads (what follows the IP header / fragment header).
 */
import type { DecodedPacket } from '../core/types.js';
import type { DecoderState, FragDatagram } from './decoder-state.js';

/** One fragment as the IP decoders hand it over. Views are copied before being kept. */
export interface Fragment {
  readonly version: 4 | 6;
  /** the datagram key (addresses, id, and protocol for IPv4) */
  readonly key: string;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** IPv4 protocol / IPv6 next header after the fragment header */
  readonly proto: number;
  /** fragment offset in the datagram payload, bytes */
  readonly offset: number;
  readonly more: boolean;
  readonly data: Uint8Array;
  readonly ts: number;
  readonly ipBytes: number;
  readonly frameBytes: number;
  readonly vlan: number;
}

/** What adding a fragment did: the completed datagram (payload in state.reassembled), pending, or an anomaly name. */
export type FragOutcome = FragDatagram | 'pending' | string;

function expire(state: DecoderState, now: number): void {
  const timeout = state.bounds.fragTimeoutMicros;
  for (const [key, dg] of state.frags) {
    if (now - dg.first <= timeout) break;
    state.frags.delete(key);
    state.counters.inc('frag.timeout');
  }
}

function open(state: DecoderState, f: Fragment): FragDatagram {
  const found = state.frags.get(f.key);
  if (found !== undefined) return found;
  if (state.frags.size >= state.bounds.maxFragDatagrams) {
    const oldest = state.frags.keys().next();
    if (oldest.done !== true) state.frags.delete(oldest.value);
    state.counters.inc('frag.evicted');
  }
  const dg: FragDatagram = {
    version: f.version,
    // copies, never views: a Node Buffer's slice() would share the reader's reused memory
    src: new Uint8Array(f.src),
    dst: new Uint8Array(f.dst),
    first: f.ts,
    proto: f.proto,
    pieces: [],
    total: -1,
    frames: 0,
    ipBytes: 0,
    frameBytes: 0,
    vlan: f.vlan,
  };
  state.frags.set(f.key, dg);
  return dg;
}

function covered(dg: FragDatagram): boolean {
  const sorted = dg.pieces.slice().sort((a, b) => a.off - b.off);
  let reach = 0;
  for (const p of sorted) {
    if (p.off > reach) return false;
    reach = Math.max(reach, p.off + p.data.length);
    if (reach >= dg.total) return true;
  }
  return reach >= dg.total;
}

function storedBytes(dg: FragDatagram): number {
  let n = 0;
  for (const p of dg.pieces) n += p.data.length;
  return n;
}

/** Adds one fragment; returns the completed datagram, 'pending', or the anomaly that dropped the datagram. */
export function addFragment(state: DecoderState, f: Fragment): FragOutcome {
  expire(state, f.ts);
  const end = f.offset + f.data.length;
  if (end > state.bounds.maxFragDatagramBytes) {
    state.frags.delete(f.key);
    return 'frag.too_large';
  }
  const dg = open(state, f);
  if (dg.pieces.length >= state.bounds.maxFragmentsPerDatagram) {
    state.frags.delete(f.key);
    return 'frag.too_many_fragments';
  }
  dg.frames++;
  dg.ipBytes += f.ipBytes;
  dg.frameBytes += f.frameBytes;
  if (f.offset === 0) dg.proto = f.proto;
  let inside = false;
  let overlap = false;
  for (const p of dg.pieces) {
    const pEnd = p.off + p.data.length;
    if (f.offset < pEnd && end > p.off) overlap = true;
    if (f.offset >= p.off && end <= pEnd) inside = true;
  }
  if (overlap) state.counters.inc('frag.overlap');
  if (!inside && f.data.length > 0) dg.pieces.push({ off: f.offset, data: new Uint8Array(f.data) });
  if (!f.more) {
    if (dg.total >= 0 && dg.total !== end) state.counters.inc('frag.conflicting_end');
    if (dg.total < 0) dg.total = end;
  }
  // the sort in covered() only runs once enough bytes are stored to possibly cover the datagram
  if (dg.total < 0 || storedBytes(dg) < dg.total || !covered(dg)) return 'pending';
  state.frags.delete(f.key);
  const out = new Uint8Array(dg.total);
  // write later arrivals first so the first copy of overlapping bytes is the one that stays
  for (let i = dg.pieces.length - 1; i >= 0; i--) {
    const p = dg.pieces[i]!;
    if (p.off >= dg.total) continue;
    out.set(p.data.subarray(0, Math.max(0, Math.min(p.data.length, dg.total - p.off))), p.off);
  }
  state.reassembled = out;
  return dg;
}

/** A completed datagram's addresses and totals (every fragment frame counted) into the output packet. */
export function takeReassembled(out: DecodedPacket, dg: FragDatagram): void {
  out.src = dg.src;
  out.dst = dg.dst;
  out.ipBytes = dg.ipBytes;
  out.frameBytes = dg.frameBytes;
  out.frames = dg.frames;
}
