import { IPPROTO, type DecodedPacket } from '../core/types.js';

/** LINKTYPE values of what a tunnel carries. */
const LINK_ETHERNET = 1;
const LINK_IPV4 = 228;
const LINK_IPV6 = 229;

/** The frame inside a tunnel packet, to be decoded and counted as a packet of its own inner flow. */
export interface TunnelInner {
  readonly name: 'vxlan' | 'geneve' | 'teredo';
  readonly linkType: number;
  readonly data: Uint8Array;
}

// UDP tunnels by their IANA port (either side): the outer flow is counted, then the inner one, as
// Zeek and Suricata do.
const VXLAN = 4789;
const GENEVE = 6081;
const TEREDO = 3544;

/** The inner frame of a VXLAN, Geneve or Teredo packet; undefined for anything else or a bad header. */
export function tunnelInner(p: DecodedPacket): TunnelInner | undefined {
  if (p.proto !== IPPROTO.UDP) return undefined;
  const b = p.payload;
  if (p.dstPort === VXLAN || p.srcPort === VXLAN) {
    // 8-byte header whose I flag says the VNI is valid; an Ethernet frame follows.
    if (b.length < 8 + 14 || ((b[0] ?? 0) & 0x08) === 0) return undefined;
    return { name: 'vxlan', linkType: LINK_ETHERNET, data: b.subarray(8) };
  }
  if (p.dstPort === GENEVE || p.srcPort === GENEVE) {
    if (b.length < 8 || ((b[0] ?? 0) >> 6) !== 0) return undefined;
    const start = 8 + ((b[0] ?? 0) & 0x3f) * 4;
    const proto = ((b[2] ?? 0) << 8) | (b[3] ?? 0);
    const linkType = proto === 0x6558 ? LINK_ETHERNET : proto === 0x0800 ? LINK_IPV4 : proto === 0x86dd ? LINK_IPV6 : 0;
    if (linkType === 0 || b.length <= start) return undefined;
    return { name: 'geneve', linkType, data: b.subarray(start) };
  }
  if (p.dstPort === TEREDO || p.srcPort === TEREDO) {
    let off = 0;
    // Optional authentication (0x0001, variable) and origin indication (0x0000, 8 bytes) headers.
    if (b[0] === 0 && b[1] === 1 && b.length >= 13) off = 13 + (b[2] ?? 0) + (b[3] ?? 0);
    if (b[off] === 0 && b[off + 1] === 0 && b.length >= off + 8) off += 8;
    if (b.length < off + 40 || ((b[off] ?? 0) >> 4) !== 6) return undefined;
    return { name: 'teredo', linkType: LINK_IPV6, data: b.subarray(off) };
  }
  return undefined;
}
