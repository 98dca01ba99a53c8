import { describe, expect, it } from 'vitest';
import { newParsedIp, parseIPv4, parseIPv6, parseIp } from '../../src/intel/ip-parse.js';

describe('parseIPv4', () => {
  it('parses dotted quads to unsigned numbers', () => {
    expect(parseIPv4('0.0.0.0')).toBe(0);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('10.1.2.3')).toBe(0x0a010203);
  });
  it('rejects malformed text', () => {
    for (const s of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '1.2.3.4 ', 'a.b.c.d', '1.2.3.']) {
      expect(parseIPv4(s), s).toBe(-1);
    }
  });
});

describe('parseIPv6', () => {
  const words = (s: string): number[] | undefined => {
    const out = new Uint32Array(4);
    return parseIPv6(s, out) ? [...out] : undefined;
  };
  it('parses full, compressed and dotted-tail forms', () => {
    expect(words('::')).toEqual([0, 0, 0, 0]);
    expect(words('::1')).toEqual([0, 0, 0, 1]);
    expect(words('2001:db8::1')).toEqual([0x20010db8, 0, 0, 1]);
    expect(words('2001:DB8:0:0:0:0:0:FFFF')).toEqual([0x20010db8, 0, 0, 0xffff]);
    expect(words('fe80::')).toEqual([0xfe800000, 0, 0, 0]);
    expect(words('1:2:3:4:5:6:7::')).toEqual([0x10002, 0x30004, 0x50006, 0x70000]);
    expect(words('::ffff:10.1.2.3')).toEqual([0, 0, 0xffff, 0x0a010203]);
  });
  it('rejects malformed text', () => {
    for (const s of ['', ':', ':::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::', '::1.2.3', '1:', 'fe80::1%eth0']) {
      expect(words(s), s).toBeUndefined();
    }
  });
});

describe('parseIp', () => {
  it('returns IPv4-mapped IPv6 as IPv4', () => {
    const p = newParsedIp();
    expect(parseIp('::ffff:192.0.2.1', p)).toBe(4);
    expect(p.v4).toBe(0xc0000201);
    expect(parseIp('2001:db8::', p)).toBe(6);
    expect(parseIp('not an ip', p)).toBe(0);
  });
});
