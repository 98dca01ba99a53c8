import { describe, expect, it } from 'vitest';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import { tunnelInner } from '../../src/decode/tunnels.js';
import { frame, ipv4, ipv6, MAC, tcp, udp } from './helpers.js';

function outer(bytes: number[]) {
  const out = createDecodedPacket();
  const r = decodeFrame(frame(1, bytes), out, createDecoderState());
  expect(r.ok).toBe(true);
  return out;
}

const innerEth = [...MAC, 0x08, 0x00, ...ipv4(6, tcp(40000, 443, 0x02))];

describe('tunnels', () => {
  it('opens VXLAN: 8-byte header with the I flag, then an Ethernet frame', () => {
    const p = outer([...MAC, 0x08, 0x00, ...ipv4(17, udp(51000, 4789, [0x08, 0, 0, 0, 0, 0, 0x2a, 0, ...innerEth]))]);
    const t = tunnelInner(p);
    expect(t?.name).toBe('vxlan');
    const inner = createDecodedPacket();
    expect(decodeFrame(frame(t!.linkType, [...t!.data]), inner, createDecoderState()).ok).toBe(true);
    expect(inner.dstPort).toBe(443);
    // Without the I flag it is not VXLAN.
    expect(tunnelInner(outer([...MAC, 0x08, 0x00, ...ipv4(17, udp(51000, 4789, [0, 0, 0, 0, 0, 0, 0x2a, 0, ...innerEth]))]))).toBeUndefined();
  });

  it('opens Geneve with options and Teredo with an origin indication', () => {
    // Geneve: ver 0, opt len 1 (4 bytes), protocol 0x6558 (Ethernet), VNI, then one 4-byte option
    const gen = outer([...MAC, 0x08, 0x00, ...ipv4(17, udp(51000, 6081, [0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 1, 2, 3, 4, ...innerEth]))]);
    expect(tunnelInner(gen)).toMatchObject({ name: 'geneve', linkType: 1 });
    expect(tunnelInner(gen)?.data.length).toBe(innerEth.length);
    // Teredo: origin indication (0x0000 + port + address), then IPv6
    const v6 = ipv6(17, udp(1, 53, [1, 2, 3]));
    const ter = outer([...MAC, 0x08, 0x00, ...ipv4(17, udp(3544, 51000, [0, 0, 1, 2, 3, 4, 5, 6, ...v6]))]);
    expect(tunnelInner(ter)).toMatchObject({ name: 'teredo', linkType: 229 });
    expect(tunnelInner(ter)?.data.length).toBe(v6.length);
    // Plain DNS is no tunnel.
    expect(tunnelInner(outer([...MAC, 0x08, 0x00, ...ipv4(17, udp(5000, 53, [1, 2, 3]))]))).toBeUndefined();
  });
});
