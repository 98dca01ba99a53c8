import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { createDnsObserver } from '../../src/app/dns.js';
import { decodeDnsMessage } from '../../src/app/dns-decode.js';
import type { DnsTransaction } from '../../src/core/types.js';
import { endpoints, hex, recorder } from './harness.js';

// A query for example.com A, id 0x1234, RD set.
const QUERY = hex(`
  1234 0100 0001 0000 0000 0000            # id, flags RD, qd=1
  07 6578616d706c65 03 636f6d 00           # example.com
  0001 0001                                 # A IN
`.replace(/#.*$/gm, ''));

// Its response: one A 93.184.216.34, TTL 300, name as a pointer to offset 12.
const RESPONSE = hex(`
  1234 8180 0001 0001 0000 0000            # id, QR RD RA, NOERROR, qd=1 an=1
  07 6578616d706c65 03 636f6d 00 0001 0001 # question
  c00c 0001 0001 0000012c 0004 5db8d822    # answer: ptr->12, A, IN, ttl 300, rdlen 4, 93.184.216.34
`.replace(/#.*$/gm, ''));

const withLength = (m: Buffer): Buffer => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]);
const dnsEvents = (r: ReturnType<typeof recorder>): DnsTransaction[] =>
  r.events.flatMap((e) => (e.type === 'dns' ? [e.dns] : []));

describe('dns observer', () => {
  it('accepts port 53 only, not mDNS or LLMNR', () => {
    const o = createDnsObserver();
    expect(o.accepts(endpoints('udp', 53), 'orig', QUERY)).toBe(true);
    expect(o.accepts(endpoints('tcp', 53), 'orig', QUERY)).toBe(true);
    expect(o.accepts(endpoints('udp', 5353), 'orig', QUERY)).toBe(false);
    expect(o.accepts(endpoints('udp', 5355), 'orig', QUERY)).toBe(false);
  });

  it('matches a UDP query and its response into one transaction with rtt', () => {
    const o = createDnsObserver();
    const r = recorder();
    const s = o.open(endpoints('udp', 53), r);
    o.data(s, 'orig', QUERY, 1_000_000, false);
    o.data(s, 'resp', RESPONSE, 1_020_000, false);
    o.close(s, 2_000_000);
    const tx = dnsEvents(r);
    expect(tx).toHaveLength(1);
    expect(tx[0]).toMatchObject({
      id: 0x1234, questionName: 'example.com', questionType: 'A', questionClass: 'IN', type: 'answer',
      responseCode: 'NOERROR', headerFlags: ['RD', 'RA'], rtt: 20_000, ts: 1_000_000,
      answers: [{ name: 'example.com', type: 'A', ttl: 300, data: '93.184.216.34' }],
    });
    expect(r.apps).toEqual(['dns']);
  });

  it('reports an unanswered query at close and a response without a query', () => {
    const o = createDnsObserver();
    const r = recorder();
    const s = o.open(endpoints('udp', 53), r);
    o.data(s, 'resp', RESPONSE, 5, false); // no query seen
    const q2 = Buffer.from(QUERY);
    q2.writeUInt16BE(0x9999, 0);
    o.data(s, 'orig', q2, 6, false);
    expect(dnsEvents(r)).toHaveLength(1);
    o.close(s, 10);
    const tx = dnsEvents(r);
    expect(tx.map((t) => [t.id, t.type])).toEqual([[0x1234, 'answer'], [0x9999, 'query']]);
    expect(tx[1]?.responseCode).toBeUndefined();
  });

  it('reads two TCP messages from one chunk, and one message split over three chunks', () => {
    const o = createDnsObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 53), r);
    const q2 = Buffer.from(QUERY);
    q2.writeUInt16BE(0x0002, 0);
    // two length-prefixed queries in one segment
    o.data(s, 'orig', Buffer.concat([withLength(QUERY), withLength(q2)]), 1, false);
    // the first response split: [len hi] [len lo + 10 bytes] [rest]
    const framed = withLength(RESPONSE);
    o.data(s, 'resp', framed.subarray(0, 1), 2, false);
    o.data(s, 'resp', framed.subarray(1, 12), 3, false);
    expect(dnsEvents(r)).toHaveLength(0);
    o.data(s, 'resp', framed.subarray(12), 4, false);
    expect(dnsEvents(r)).toHaveLength(1);
    expect(dnsEvents(r)[0]).toMatchObject({ id: 0x1234, type: 'answer', rtt: 3 });
    o.close(s, 9);
    expect(dnsEvents(r).map((t) => t.id)).toEqual([0x1234, 0x0002]);
  });

  it('counts a compression-pointer loop instead of throwing, and keeps the question', () => {
    // response whose answer name points at itself (offset 29 -> 29)
    const loop = hex(`
      abcd 8180 0001 0001 0000 0000
      07 6578616d706c65 03 636f6d 00 0001 0001
      c01d 0001 0001 0000003c 0004 01020304
    `);
    expect(() => dnsPacket.decode(loop)).toThrow();
    const o = createDnsObserver();
    const r = recorder();
    const s = o.open(endpoints('udp', 53), r);
    o.data(s, 'resp', loop, 1, false);
    expect(r.counters.get('dns.decode_error')).toBe(1);
    expect(dnsEvents(r)[0]).toMatchObject({ id: 0xabcd, questionName: 'example.com', answers: [] });
  });

  it('counts a message shorter than the header and a truncated answer', () => {
    const o = createDnsObserver();
    const r = recorder();
    const s = o.open(endpoints('udp', 53), r);
    o.data(s, 'orig', hex('1234 0100 0001'), 1, false);
    o.data(s, 'resp', RESPONSE.subarray(0, RESPONSE.length - 2), 2, false); // rdata cut short
    expect(r.counters.get('dns.short')).toBe(1);
    expect(r.counters.get('dns.decode_error')).toBe(1);
    expect(dnsEvents(r)[0]).toMatchObject({ questionName: 'example.com', answers: [] });
  });

  it('renders TXT joined, MX/SRV/SOA targets, unknown types, NXDOMAIN and keeps name case', () => {
    const msg = dnsPacket.encode({
      type: 'response', id: 7, flags: dnsPacket.AUTHORITATIVE_ANSWER | 3, // AA + NXDOMAIN rcode bits
      questions: [{ type: 'TXT', name: 'ExAmPle.COM' }],
      answers: [
        { type: 'TXT', name: 'ExAmPle.COM', ttl: 1, data: ['v=spf1 ', 'include:x'] },
        { type: 'MX', name: 'example.com', ttl: 1, data: { preference: 10, exchange: 'mx.example.com' } },
        { type: 'SRV', name: '_s._tcp.example.com', ttl: 1, data: { priority: 1, weight: 2, port: 443, target: 'srv.example.com' } },
        { type: 'SOA', name: 'example.com', ttl: 1, data: { mname: 'ns1.example.com', rname: 'h.example.com', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 } },
        { type: 'CNAME', name: 'www.example.com', ttl: 1, data: 'example.com' },
      ],
    });
    const m = decodeDnsMessage(msg);
    expect(m?.anomaly).toBeUndefined();
    expect(m?.rcode).toBe('NXDOMAIN');
    expect(m?.flags).toEqual(['AA']);
    expect(m?.questionName).toBe('ExAmPle.COM');
    expect(m?.answers.map((a) => [a.type, a.data])).toEqual([
      ['TXT', 'v=spf1 include:x'], ['MX', 'mx.example.com'], ['SRV', 'srv.example.com'], ['SOA', 'ns1.example.com'], ['CNAME', 'example.com'],
    ]);
    // an unassigned type 65280 with 2 bytes of data, and an HTTPS record (priority 1, target ".")
    const odd = hex(`
      0001 8000 0001 0002 0000 0000
      01 61 00 ff00 0001
      c00c ff00 0001 00000005 0002 beef
      c00c 0041 0001 00000005 0003 0001 00
    `);
    const o = decodeDnsMessage(odd);
    expect(o?.questionType).toBe('TYPE65280');
    expect(o?.answers.map((a) => [a.type, a.data])).toEqual([['TYPE65280', 'beef'], ['HTTPS', '1 .']]);
  });

  it('folds a retransmitted query and evicts the oldest pending query past the bound', () => {
    const o = createDnsObserver({ maxPending: 2, maxAnswers: 8, maxDataChars: 64 });
    const r = recorder();
    const s = o.open(endpoints('udp', 53), r);
    for (const id of [1, 1, 2, 3]) {
      const q = Buffer.from(QUERY);
      q.writeUInt16BE(id, 0);
      o.data(s, 'orig', q, id, false);
    }
    expect(r.counters.get('dns.duplicate_query')).toBe(1);
    expect(r.counters.get('dns.pending_evicted')).toBe(1);
    expect(dnsEvents(r).map((t) => [t.id, t.type])).toEqual([[1, 'query']]);
  });

  it('stops a TCP direction after a gap (message boundaries are lost)', () => {
    const o = createDnsObserver();
    const r = recorder();
    const s = o.open(endpoints('tcp', 53), r);
    expect(o.data(s, 'orig', withLength(QUERY).subarray(0, 5), 1, false)).toBe(true);
    expect(o.data(s, 'orig', withLength(QUERY), 2, true)).toBe(true);
    expect(o.data(s, 'resp', withLength(RESPONSE), 3, true)).toBe(false);
    expect(r.counters.get('dns.tcp_gap')).toBe(2);
    expect(dnsEvents(r)).toHaveLength(0);
  });
});
