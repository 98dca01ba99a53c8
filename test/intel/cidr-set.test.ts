import { describe, expect, it } from 'vitest';
import { cidrSetOf, createCidrSetBuilder, formatAddress, parsePrefix } from '../../src/intel/cidr-set.js';

describe('CidrSet', () => {
  const set = cidrSetOf<string>([
    ['0.0.0.0/0', 'default'],
    ['10.0.0.0/8', 'ten'],
    ['10.1.0.0/16', 'ten-one'],
    ['10.1.2.0/24', 'ten-one-two'],
    ['10.1.2.3/32', 'host'],
    ['192.168.0.0/16', 'home'],
    ['255.255.255.255/32', 'broadcast'],
    ['2001:db8::/32', 'doc'],
    ['2001:db8:1::/48', 'doc-1'],
    ['2001:db8:1::/64', 'doc-1-0'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', 'last'],
  ]);

  it('returns the longest matching IPv4 prefix', () => {
    expect(set.get('10.0.0.1')).toBe('ten');
    expect(set.get('10.1.0.1')).toBe('ten-one');
    expect(set.get('10.1.2.4')).toBe('ten-one-two');
    expect(set.get('10.1.2.3')).toBe('host');
    expect(set.get('10.1.3.0')).toBe('ten-one');
    expect(set.get('10.2.0.0')).toBe('ten');
    expect(set.get('11.0.0.0')).toBe('default');
    expect(set.get('255.255.255.254')).toBe('default');
    expect(set.get('255.255.255.255')).toBe('broadcast');
    expect(set.match('10.1.2.200')?.prefix).toBe('10.1.2.0/24');
  });

  it('returns the longest matching IPv6 prefix and nothing outside', () => {
    expect(set.get('2001:db8::1')).toBe('doc');
    expect(set.get('2001:db8:1::1')).toBe('doc-1-0');
    expect(set.get('2001:db8:1:1::1')).toBe('doc-1');
    expect(set.get('2001:db9::')).toBeUndefined();
    expect(set.get('::1')).toBeUndefined();
    expect(set.get('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('last');
    expect(set.get('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).toBeUndefined();
  });

  it('matches IPv4-mapped IPv6 text and raw bytes like the IPv4 address', () => {
    expect(set.get('::ffff:10.1.2.9')).toBe('ten-one-two');
    expect(set.matchBytes(Uint8Array.of(10, 1, 2, 3))?.value).toBe('host');
    const v6 = new Uint8Array(16);
    v6.set([0x20, 0x01, 0x0d, 0xb8, 0, 1], 0);
    expect(set.matchBytes(v6)?.value).toBe('doc-1-0');
    expect(set.matchBytes(Uint8Array.of(1, 2, 3))).toBeUndefined();
  });

  it('answers undefined for malformed addresses instead of throwing', () => {
    expect(set.get('')).toBeUndefined();
    expect(set.get('10.1.2')).toBeUndefined();
    expect(set.get('2001:db8::zz')).toBeUndefined();
  });

  it('resolves a prefix added twice with the merge option (first stays by default)', () => {
    const first = cidrSetOf<string>([['1.0.0.0/8', 'a'], ['1.0.0.0/8', 'b']]);
    expect(first.get('1.2.3.4')).toBe('a');
    expect(first.size).toBe(1);
    const merged = cidrSetOf<string>([['1.0.0.0/8', 'a'], ['1.0.0.0/8', 'b']], { merge: (x, y) => (y > x ? y : x) });
    expect(merged.get('1.2.3.4')).toBe('b');
  });

  it('rejects invalid prefixes through ip-cidr and clears host bits', () => {
    const b = createCidrSetBuilder<number>();
    expect(b.add('10.0.0.0/33', 1).ok).toBe(false);
    expect(b.add('300.0.0.0/8', 1).ok).toBe(false);
    expect(b.add('2001:db8::/129', 1).ok).toBe(false);
    expect(b.add('10.9.9.9/8', 1).ok).toBe(true);
    expect(b.add('192.0.2.7', 2).ok).toBe(true);
    const s = b.build();
    expect(s.match('10.200.0.1')?.prefix).toBe('10.0.0.0/8');
    expect(s.match('192.0.2.7')?.prefix).toBe('192.0.2.7/32');
    expect(s.get('192.0.2.8')).toBeUndefined();
  });

  it('agrees with a brute-force scan on random nested prefixes', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const prefixes: [string, number][] = [];
    for (let i = 0; i < 400; i++) {
      const len = 8 + (rnd() % 25);
      const base = (rnd() % 4) * 0x01000000 + (rnd() % 65536) * 256;
      prefixes.push([`${formatAddress(4, BigInt(base >>> 0))}/${len}`, i]);
    }
    const s = cidrSetOf(prefixes);
    const parsed = s.entries().map((e) => ({ e, p: parsePrefix(e.prefix) }));
    for (let k = 0; k < 2000; k++) {
      const a = (rnd() % 4) * 0x01000000 + (rnd() % 16777216);
      let best: (typeof parsed)[number] | undefined;
      for (const x of parsed) {
        if (typeof x.p === 'string') continue;
        const span = 2 ** (32 - x.p.length);
        const start = Number(x.p.start);
        if (a >= start && a < start + span && (!best || (typeof best.p !== 'string' && x.p.length > best.p.length))) best = x;
      }
      expect(s.match(formatAddress(4, BigInt(a)))?.prefix).toBe(best?.e.prefix);
    }
  });
});

describe('formatAddress', () => {
  it('writes RFC 5952 IPv6 text', () => {
    expect(formatAddress(6, 0n)).toBe('::');
    expect(formatAddress(6, 1n)).toBe('::1');
    const longest = parsePrefix('2001:db8:0:0:1:0:0:0/128');
    expect(typeof longest !== 'string' && longest.canonical).toBe('2001:db8:0:0:1::/128');
    const firstOfEqual = parsePrefix('2001:db8:0:0:1:0:0:1/128');
    expect(typeof firstOfEqual !== 'string' && firstOfEqual.canonical).toBe('2001:db8::1:0:0:1/128');
  });
});
