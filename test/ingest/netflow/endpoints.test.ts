import { describe, expect, it } from 'vitest';
import { communityId } from '../../../src/flow/community-id.js';
import { ipToString } from '../../../src/flow/flow.js';
import { addressText, communityIdOf } from '../../../src/ingest/netflow/endpoints.js';
import type { UniFlow } from '../../../src/ingest/netflow/types.js';
import { prng } from '../../helpers/mulberry32.js';


const word = (b: Uint8Array, o: number): number => (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;

function uni(src: Uint8Array, dst: Uint8Array, proto: number, srcPort: number, dstPort: number): UniFlow {
  const v6 = src.length === 16;
  return {
    exporterAddr: '192.0.2.1', exporterScope: '192.0.2.1/0', family: v6 ? 6 : 4,
    s0: word(src, 0), s1: v6 ? word(src, 4) : 0, s2: v6 ? word(src, 8) : 0, s3: v6 ? word(src, 12) : 0,
    d0: word(dst, 0), d1: v6 ? word(dst, 4) : 0, d2: v6 ? word(dst, 8) : 0, d3: v6 ? word(dst, 12) : 0,
    proto, srcPort, dstPort, bytes: 0, packets: 0, start: 0, end: 0, tcpFlags: 0, reverse: undefined, endReason: undefined, vlan: undefined,
  };
}

describe('endpoint text and Community ID from address words equal the shared byte-based functions', () => {
  it('20,000 random tuples, IPv4 and IPv6 (zero runs, v4-mapped), TCP/UDP/SCTP/ICMP/other, both orientations', () => {
    const r = prng(7);
    const protos = [6, 17, 132, 1, 58, 47, 0, 255];
    const icmpTypes = [0, 8, 3, 13, 14, 128, 129, 133, 134, 1, 200];
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      const v6 = r() < 0.5;
      const mk = (): Uint8Array => {
        const b = new Uint8Array(v6 ? 16 : 4);
        for (let k = 0; k < b.length; k++) b[k] = r() < 0.4 ? 0 : Math.floor(r() * 256);
        if (v6 && r() < 0.1) { b.fill(0, 0, 10); b[10] = 0xff; b[11] = 0xff; }
        return b;
      };
      const src = mk();
      const dst = r() < 0.05 ? src.slice() : mk();
      const proto = protos[Math.floor(r() * protos.length)] ?? 6;
      const icmp = proto === 1 || proto === 58;
      const sp = icmp ? icmpTypes[Math.floor(r() * icmpTypes.length)] ?? 0 : Math.floor(r() * 65536);
      const dp = icmp ? Math.floor(r() * 16) : (r() < 0.05 ? sp : Math.floor(r() * 65536));
      const u = uni(src, dst, proto, sp, dp);
      expect(addressText(u, false)).toBe(ipToString(src));
      expect(addressText(u, true)).toBe(ipToString(dst));
      expect(communityIdOf(u, false)).toBe(communityId(src, dst, proto, sp, dp));
      // the responder's view, as the pairer asks for a one-sided reply (ICMP keeps type and code)
      expect(communityIdOf(u, true)).toBe(communityId(dst, src, proto, icmp ? sp : dp, icmp ? dp : sp));
      checked++;
    }
    expect(checked).toBe(20_000);
  });

  it('the spec example: TCP 128.232.110.120:34855 -> 66.35.250.204:80', () => {
    const u = uni(Uint8Array.from([128, 232, 110, 120]), Uint8Array.from([66, 35, 250, 204]), 6, 34855, 80);
    expect(communityIdOf(u, false)).toBe('1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
  });
});
