import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { communityId } from '../../src/flow/community-id.js';

function bytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  // Expand '::' then parse eight 16-bit words.
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((w) => parseInt(w, 16));
  return Uint8Array.from(words.flatMap((w) => [w >> 8, w & 0xff]));
}

// Vectors published with the Community ID spec (seed 0).
describe('communityId', () => {
  it.each([
    ['128.232.110.120', 34855, '66.35.250.204', 80, 6, '1:LQU9qZlK+B5F3KDmev6m5PMibrg='],
    ['66.35.250.204', 80, '128.232.110.120', 34855, 6, '1:LQU9qZlK+B5F3KDmev6m5PMibrg='],
    ['192.168.1.52', 54585, '8.8.8.8', 53, 17, '1:d/FP5EW3wiY1vCndhwleRRKHowQ='],
    ['8.8.8.8', 53, '192.168.1.52', 54585, 17, '1:d/FP5EW3wiY1vCndhwleRRKHowQ='],
    ['192.168.170.8', 7, '192.168.170.56', 7, 132, '1:MP2EtRCAUIZvTw6MxJHLV7N7JDs='],
    ['192.168.0.89', 8, '192.168.0.1', 0, 1, '1:X0snYXpgwiv9TZtqg64sgzUn6Dk='],
  ])('%s:%i -> %s:%i proto %i', (s, sp, d, dp, proto, want) => {
    expect(communityId(bytes(s), bytes(d), proto, sp, dp)).toBe(want);
  });

  it('differs with the seed and for IPv6 keeps both orders equal', () => {
    const a = bytes('2001:db8::1');
    const b = bytes('2001:db8::2');
    const one = communityId(a, b, 6, 40000, 443);
    expect(communityId(b, a, 6, 443, 40000)).toBe(one);
    expect(communityId(a, b, 6, 40000, 443, 1)).not.toBe(one);
  });
});
