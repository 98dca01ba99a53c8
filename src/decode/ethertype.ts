/**
 * EtherType edges: which decoder follows which EtherType. Tags (802.1Q, 802.1ad, old QinQ 0x9100), PPPoE
 * session and MPLS unwrap to the next EtherType or IP; IPv4/IPv6 end the link walk; known non-IP types are
 * named skips.
 */
import type { Cursor } from './decoder-state.js';
import type { LayerDecoder, Step } from './link.js';

const vlanTag: LayerDecoder = (d, c) => {
  if (c.end - c.off < 4) {
    c.reason = 'vlan.truncated';
    return 'anomaly';
  }
  if (c.vlan < 0) c.vlan = ((d[c.off]! << 8) | d[c.off + 1]!) & 0x0fff;
  c.etherType = (d[c.off + 2]! << 8) | d[c.off + 3]!;
  c.off += 4;
  return 'ether';
};

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

// PPPoE session: ver/type, code, session id, length, then the PPP protocol: 2 bytes, or 1 byte when
// protocol-field compression (RFC 1661 §6.5) is on — an odd first byte says so.
const pppoeSession: LayerDecoder = (d, c) => {
  if (c.end - c.off < 8) {
    c.reason = 'pppoe.truncated';
    return 'anomaly';
  }
  const first = d[c.off + 6]!;
  const compressed = (first & 1) === 1;
  const proto = compressed ? first : (first << 8) | d[c.off + 7]!;
  c.off += compressed ? 7 : 8;
  if (proto === PPP_IPV4) return ipAt(c, 4);
  if (proto === PPP_IPV6) return ipAt(c, 6);
  c.reason = 'pppoe.non_ip';
  return 'skip';
};

const MAX_MPLS_LABELS = 8;

// MPLS: 4-byte labels up to the bottom-of-stack bit, then IP told apart by its version nibble
const mpls: LayerDecoder = (d, c) => {
  for (let i = 0; i < MAX_MPLS_LABELS; i++) {
    if (c.end - c.off < 4) {
      c.reason = 'mpls.truncated';
      return 'anomaly';
    }
    const bottom = (d[c.off + 2]! & 0x01) !== 0;
    c.off += 4;
    if (bottom) {
      if (c.end - c.off < 1) {
        c.reason = 'mpls.truncated';
        return 'anomaly';
      }
      const v = d[c.off]! >> 4;
      if (v === 4 || v === 6) return ipAt(c, v);
      c.reason = 'mpls.non_ip';
      return 'skip';
    }
  }
  c.reason = 'mpls.too_many_labels';
  return 'anomaly';
};

function ipAt(c: Cursor, v: 4 | 6): Step {
  c.ipVersion = v;
  return 'ip';
}

const ipv4: LayerDecoder = (_d, c) => ipAt(c, 4);
const ipv6: LayerDecoder = (_d, c) => ipAt(c, 6);

/** EtherType → decoder, or the name of a counted skip. Adding QinQ was one line. */
export const ETHERTYPE_EDGES: ReadonlyMap<number, LayerDecoder | string> = new Map<number, LayerDecoder | string>([
  [0x0800, ipv4],
  [0x86dd, ipv6],
  [0x8100, vlanTag],
  [0x88a8, vlanTag],
  [0x9100, vlanTag],
  [0x8864, pppoeSession],
  [0x8847, mpls],
  [0x8848, mpls],
  [0x0806, 'ethertype.arp'],
  [0x8035, 'ethertype.rarp'],
  [0x8863, 'ethertype.pppoe_discovery'],
  [0x88cc, 'ethertype.lldp'],
  [0x888e, 'ethertype.eapol'],
  [0x8809, 'ethertype.slow_protocols'],
  [0x88f7, 'ethertype.ptp'],
  [0x9000, 'ethertype.loopback'],
]);
