import { describe, expect, it } from 'vitest';
import { defaultDirection, isLocalAddress } from '../../../src/ingest/netflow/index.js';

// the split-and-Number parse and the division test the fast path replaced, as the reference
function reference(ip: string): boolean {
  const t = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const p = t.split('.');
  let v: number | undefined = 0;
  if (p.length !== 4) v = undefined;
  else for (const x of p) { const n = Number(x); if (!Number.isInteger(n) || n < 0 || n > 255) { v = undefined; break; } v = v * 256 + n; }
  if (v !== undefined) {
    const nets: [number, number][] = [[0x0a000000, 8], [0xac100000, 12], [0xc0a80000, 16], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16]];
    const x = v;
    return nets.some(([net, bits]) => Math.floor(x / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
  }
  const l = ip.toLowerCase();
  return l === '::1' || l.startsWith('fc') || l.startsWith('fd') || /^fe[89ab]/.test(l);
}

describe('isLocalAddress fast dotted-quad path', () => {
  it('agrees with the general parse on every boundary octet and on odd texts', () => {
    const texts: string[] = [];
    for (const a of [0, 9, 10, 11, 99, 100, 101, 126, 127, 128, 169, 171, 172, 173, 191, 192, 193, 255]) {
      for (const b of [0, 15, 16, 31, 32, 63, 64, 127, 128, 167, 168, 169, 253, 254, 255]) texts.push(`${a}.${b}.1.2`);
    }
    texts.push('10.0.0', '10.0.0.0.1', '10..0.1', '010.0.0.1', '0010.0.0.1', '256.0.0.1', '10.0.0.256', ' 10.0.0.1', '+10.0.0.1',
      '0x0a.0.0.1', '1e1.0.0.1', '10.0.0.1.', '.10.0.0.1', '::ffff:10.1.2.3', '::ffff:8.8.8.8', 'fd00::1', 'FE80::1', '::1', '', 'x');
    for (const t of texts) expect(isLocalAddress(t), t).toBe(reference(t));
    expect(texts.length).toBeGreaterThan(250);
  });

  it('directions', () => {
    expect(defaultDirection('10.0.0.1', '203.0.113.9')).toBe('outbound');
    expect(defaultDirection('203.0.113.9', '192.168.1.1')).toBe('inbound');
    expect(defaultDirection('172.16.0.1', '100.64.0.1')).toBe('internal');
    expect(defaultDirection('8.8.8.8', '2001:db8::1')).toBe('external');
  });
});
