/**
 * DNS exchanges encoded with the dns-packet package: a query and its response over UDP (one frame
 * each way) or the messages for DNS over TCP (2-byte length prefix). Records what was sent as facts.
 */
import dnsPacket from 'dns-packet';
import type { Answer, RecordType } from 'dns-packet';
import type { Capture } from './capture.js';
import type { ExpectedDns } from './expected.js';
import { buildFrame, literal, type LinkSpec, type VlanTag } from './packet.js';

/** One answer record to give: A/AAAA carry an address, CNAME a name. */
export interface DnsRecordSpec {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | 'CNAME';
  readonly ttl: number;
  readonly data: string;
}

/** A question and the answers the resolver gives. */
export interface DnsQuestionSpec {
  readonly id: number;
  readonly name: string;
  readonly type: 'A' | 'AAAA';
  readonly answers: readonly DnsRecordSpec[];
}

/** Encodes the query message. */
export function encodeQuery(q: DnsQuestionSpec): Buffer {
  return dnsPacket.encode({ type: 'query', id: q.id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: q.type as RecordType, name: q.name, class: 'IN' }] });
}

/** Encodes the response message (NOERROR, RD+RA). */
export function encodeResponse(q: DnsQuestionSpec): Buffer {
  const answers: Answer[] = q.answers.map((a) => ({ type: a.type, name: a.name, ttl: a.ttl, class: 'IN', data: a.data }) as Answer);
  return dnsPacket.encode({
    type: 'response', id: q.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: q.type as RecordType, name: q.name, class: 'IN' }], answers,
  });
}

/** The fact a sensor must report for a question. */
export function dnsFact(q: DnsQuestionSpec, clientIp: string, transport: 'udp' | 'tcp'): ExpectedDns {
  return { transport, clientIp, id: q.id, name: q.name, type: q.type, rcode: 'NOERROR', answers: q.answers.map((a) => ({ ...a })) };
}

/** Where a UDP DNS exchange happens. */
export interface DnsUdpOptions {
  readonly clientIp: string;
  readonly clientMac: string;
  readonly clientPort: number;
  readonly resolverIp: string;
  readonly resolverMac: string;
  readonly at: number;
  /** resolver's answer delay, µs */
  readonly rttUs: number;
  readonly link?: 'ether' | 'raw';
  readonly vlans?: readonly VlanTag[];
  readonly interfaceId?: number;
  /** IPv6 only: put a hop-by-hop header on the query */
  readonly hopByHop?: boolean;
}

/** Writes a query and its response over UDP; returns the time the answer was captured. */
export function dnsOverUdp(cap: Capture, q: DnsQuestionSpec, o: DnsUdpOptions): number {
  const v6 = o.clientIp.includes(':');
  const vlan = o.vlans?.[0]?.id;
  const link = (src: string, dst: string, pad: boolean): LinkSpec =>
    o.link === 'raw' ? { kind: 'raw' } : { kind: 'ether', srcMac: src, dstMac: dst, pad, ...(o.vlans ? { vlans: o.vlans } : {}) };
  const ip = (src: string, dst: string, ttl: number, hopByHop: boolean) =>
    v6 ? { v: 6 as const, src, dst, hopLimit: ttl, flowLabel: cap.rng.int(1, 0xfffff), hopByHop } : { v: 4 as const, src, dst, ttl, id: cap.rng.int(0, 0xffff), df: false };
  const query = literal(encodeQuery(q));
  const qFrame = buildFrame(link(o.clientMac, o.resolverMac, false), ip(o.clientIp, o.resolverIp, 64, o.hopByHop === true), { proto: 'udp', sport: o.clientPort, dport: 53 }, query);
  cap.add(o.at, qFrame, { transport: 'udp', src: o.clientIp, sport: o.clientPort, dst: o.resolverIp, dport: 53, payloadBytes: query.length, ...(vlan === undefined ? {} : { vlan }) }, o.interfaceId ?? 0);
  const resp = literal(encodeResponse(q));
  const rFrame = buildFrame(link(o.resolverMac, o.clientMac, true), ip(o.resolverIp, o.clientIp, 63, false), { proto: 'udp', sport: 53, dport: o.clientPort }, resp);
  const at = o.at + o.rttUs;
  cap.add(at, rFrame, { transport: 'udp', src: o.resolverIp, sport: 53, dst: o.clientIp, dport: o.clientPort, payloadBytes: resp.length, ...(vlan === undefined ? {} : { vlan }) }, o.interfaceId ?? 0);
  cap.facts.dns.push(dnsFact(q, o.clientIp, 'udp'));
  return at;
}
