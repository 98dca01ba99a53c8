/**
 * Frame builder: Ethernet (with 802.1Q / QinQ tags) or raw IP, IPv4 or IPv6 (optionally with a
 * hop-by-hop extension header), TCP or UDP, with correct IPv4 header and transport checksums computed
 * over the full payload even when the frame is kept only in part (see byte-stream.ts).
 */
import { IPPROTO } from '../../src/core/types.js';
import { foldSum, sumBytes, type StreamSlice } from './byte-stream.js';

/** One VLAN tag: TPID 0x8100 (802.1Q, inner) or 0x88a8 (802.1ad, outer). */
export interface VlanTag {
  readonly tpid: number;
  readonly id: number;
}

/** Link layer of a frame. `pad` pads short Ethernet frames to 60 bytes as a received frame would be. */
export type LinkSpec =
  | { readonly kind: 'ether'; readonly srcMac: string; readonly dstMac: string; readonly vlans?: readonly VlanTag[]; readonly pad?: boolean }
  | { readonly kind: 'raw' };

/** Network layer of a frame. */
export type IpSpec =
  | { readonly v: 4; readonly src: string; readonly dst: string; readonly ttl: number; readonly id: number; readonly df: boolean }
  | { readonly v: 6; readonly src: string; readonly dst: string; readonly hopLimit: number; readonly flowLabel: number; readonly hopByHop?: boolean };

/** Transport layer of a frame. */
export type TransportSpec =
  | {
      readonly proto: 'tcp';
      readonly sport: number;
      readonly dport: number;
      readonly seq: number;
      readonly ack: number;
      readonly flags: number;
      readonly window: number;
      /** TCP options, length a multiple of 4 */
      readonly options: Uint8Array;
    }
  | { readonly proto: 'udp'; readonly sport: number; readonly dport: number };

/** A built frame: the bytes a capture keeps and the lengths on the wire. */
export interface BuiltFrame {
  /** captured bytes: all headers plus the payload head */
  readonly data: Uint8Array;
  /** frame length on the wire (bytes) */
  readonly origLen: number;
  /** IP-layer bytes: IPv4 total length, or IPv6 payload length + 40 */
  readonly ipBytes: number;
}

/** Parses a dotted IPv4 or a textual IPv6 address (with `::`) into 4 or 16 bytes. */
export function parseIp(text: string): Uint8Array {
  if (text.includes('.')) {
    const parts = text.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 ${text}`);
    return Uint8Array.from(parts);
  }
  const [left = '', right] = text.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const fill = right === undefined ? 0 : 8 - l.length - r.length;
  const groups = [...l, ...Array<string>(fill).fill('0'), ...r];
  if (groups.length !== 8) throw new Error(`bad IPv6 ${text}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

const parsed = new Map<string, Uint8Array>();

// addresses repeat on every packet of a flow: parse each text once
function cachedIp(text: string): Uint8Array {
  let b = parsed.get(text);
  if (b === undefined) {
    b = parseIp(text);
    parsed.set(text, b);
  }
  return b;
}

function cachedMac(text: string): Uint8Array {
  let b = parsed.get(text);
  if (b === undefined) {
    b = Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
    parsed.set(text, b);
  }
  return b;
}

const ARENA_BYTES = 1 << 22;
let arena = new Uint8Array(ARENA_BYTES);
let arenaUsed = 0;

// frames live as long as the capture: carve them out of large blocks instead of one allocation each
function allocFrame(n: number): Uint8Array {
  if (n > ARENA_BYTES) return new Uint8Array(n);
  if (arenaUsed + n > ARENA_BYTES) {
    arena = new Uint8Array(ARENA_BYTES);
    arenaUsed = 0;
  }
  const out = arena.subarray(arenaUsed, arenaUsed + n);
  arenaUsed += n;
  return out;
}

function wordSum(buf: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((buf[i] ?? 0) << 8) | (buf[i + 1] ?? 0);
  if (i < end) sum += (buf[i] ?? 0) << 8;
  return sum;
}

function put16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}

function put32(buf: Uint8Array, off: number, v: number): void {
  put16(buf, off, v >>> 16);
  put16(buf, off + 2, v & 0xffff);
}

/** Builds one frame. The payload slice says the full length and word sum; only its head is stored. */
export function buildFrame(link: LinkSpec, ip: IpSpec, transport: TransportSpec, payload: StreamSlice): BuiltFrame {
  const proto = transport.proto === 'tcp' ? IPPROTO.TCP : IPPROTO.UDP;
  const vlans = link.kind === 'ether' ? (link.vlans ?? []) : [];
  const l2Len = link.kind === 'raw' ? 0 : 14 + 4 * vlans.length;
  const hbh = ip.v === 6 && ip.hopByHop === true;
  const l3Len = ip.v === 4 ? 20 : 40 + (hbh ? 8 : 0);
  const l4HdrLen = transport.proto === 'udp' ? 8 : 20 + transport.options.length;
  const l4Len = l4HdrLen + payload.length;
  const wireLen = l2Len + l3Len + l4Len;
  const pad = link.kind === 'ether' && link.pad === true && wireLen < 60 ? 60 - wireLen : 0;
  const full = payload.head.length === payload.length;
  const data = allocFrame(l2Len + l3Len + l4HdrLen + payload.head.length + (full ? pad : 0));
  const src = cachedIp(ip.src);
  const dst = cachedIp(ip.dst);

  if (link.kind === 'ether') {
    data.set(cachedMac(link.dstMac), 0);
    data.set(cachedMac(link.srcMac), 6);
    let off = 12;
    for (const tag of vlans) {
      put16(data, off, tag.tpid);
      put16(data, off + 2, tag.id & 0x0fff);
      off += 4;
    }
    put16(data, off, ip.v === 4 ? 0x0800 : 0x86dd);
  }

  let ipBytes: number;
  const l3 = l2Len;
  if (ip.v === 4) {
    ipBytes = 20 + l4Len;
    data[l3] = 0x45;
    put16(data, l3 + 2, ipBytes);
    put16(data, l3 + 4, ip.id);
    data[l3 + 6] = ip.df ? 0x40 : 0;
    data[l3 + 8] = ip.ttl;
    data[l3 + 9] = proto;
    data.set(src, l3 + 12);
    data.set(dst, l3 + 16);
    put16(data, l3 + 10, 0xffff - foldSum(wordSum(data, l3, l3 + 20)));
  } else {
    const plen = l3Len - 40 + l4Len;
    ipBytes = plen + 40;
    put32(data, l3, (6 << 28) | (ip.flowLabel & 0xfffff));
    put16(data, l3 + 4, plen);
    data[l3 + 6] = hbh ? 0 : proto;
    data[l3 + 7] = ip.hopLimit;
    data.set(src, l3 + 8);
    data.set(dst, l3 + 24);
    // hop-by-hop: next header, length 0 (8 bytes), PadN option of 4 zero bytes
    if (hbh) data.set([proto, 0, 1, 4, 0, 0, 0, 0], l3 + 40);
  }

  const l4 = l2Len + l3Len;
  put16(data, l4, transport.sport);
  put16(data, l4 + 2, transport.dport);
  if (transport.proto === 'udp') {
    put16(data, l4 + 4, l4Len);
  } else {
    put32(data, l4 + 4, transport.seq);
    put32(data, l4 + 8, transport.ack);
    data[l4 + 12] = (l4HdrLen / 4) << 4;
    data[l4 + 13] = transport.flags & 0xff;
    put16(data, l4 + 14, transport.window);
    data.set(transport.options, l4 + 20);
  }
  data.set(payload.head, l4 + l4HdrLen);
  // pseudo-header + header + payload (checksum field still zero). The IPv6 pseudo-header's 32-bit
  // length and 24 zero bits sum to the same words as IPv4's 16-bit length while lengths stay < 64 KiB.
  const pseudo = wordSum(src, 0, src.length) + wordSum(dst, 0, dst.length) + proto + l4Len;
  let check = 0xffff - foldSum(pseudo + wordSum(data, l4, l4 + l4HdrLen) + payload.sum);
  if (transport.proto === 'udp' && check === 0) check = 0xffff;
  put16(data, l4 + (transport.proto === 'tcp' ? 16 : 6), check);
  return { data, origLen: wireLen + pad, ipBytes };
}

/** A payload slice of literal bytes (kept in full). */
export function literal(data: Uint8Array): StreamSlice {
  return { head: data, length: data.length, sum: sumBytes(data) };
}
