import dnsPacket from 'dns-packet';
import type { DnsAnswer } from '../core/types.js';
import { decodeSimpleDnsMessage } from './dns-fast.js';

/**
 * A safe, partial-tolerant wrapper around dns-packet. dns-packet decodes a message all-or-nothing and
 * throws on anything odd (compression loops, forward pointers, truncation, ECS with a short option);
 * here we walk the message record by record with its internal codecs, trust RDLENGTH (not the bytes
 * dns-packet says it consumed) to find the next record, and keep everything decoded before a failure.
 */

/** One decoded DNS message; `anomaly` names the first problem, with what was decoded before it kept. */
export interface DnsMessage {
  readonly id: number;
  readonly isResponse: boolean;
  readonly opcode: number;
  /** rcode name, including the EDNS extended rcode bits when an OPT record was decoded */
  readonly rcode: string;
  readonly flags: readonly string[];
  readonly questionName?: string;
  readonly questionType?: string;
  readonly questionClass?: string;
  readonly answers: readonly DnsAnswer[];
  /** undefined when the whole message decoded; else a counter suffix such as `decode_error` */
  readonly anomaly?: string;
}

/** Bounds of the decoder. */
export interface DnsDecodeOptions {
  /** longest `data` string kept per answer, in characters (longer ones are cut) */
  readonly maxDataChars: number;
  /** most answers kept per message (the rest are walked but not kept) */
  readonly maxAnswers: number;
}

// 4 KiB keeps long TXT records whole (seen up to 3 KB in real traffic) while bounding what one answer can put in an event.
export const DEFAULT_DNS_DECODE: DnsDecodeOptions = { maxDataChars: 4096, maxAnswers: 64 };

type DecodeFn<T> = ((buf: Buffer, offset: number) => T) & { bytes: number };
interface RawQuestion { name: string; type: string; class: string }
interface RawAnswer { name: string; type: string; ttl?: number; class?: string; data?: unknown; extendedRcode?: number }
interface Internals {
  question: { decode: DecodeFn<RawQuestion> };
  answer: { decode: DecodeFn<RawAnswer> };
  name: { decode: DecodeFn<string> };
}
// dns-packet exports its per-record codecs at run time; @types/dns-packet does not declare them.
const lib = dnsPacket as unknown as Internals;

const RCODES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET',
  'NOTAUTH', 'NOTZONE', 'DSOTYPENI', 'RCODE12', 'RCODE13', 'RCODE14', 'RCODE15', 'BADVERS', 'BADKEY',
  'BADTIME', 'BADMODE', 'BADNAME', 'BADALG', 'BADTRUNC', 'BADCOOKIE',
] as const;

/** rcode number to its IANA mnemonic (`RCODE<n>` when unassigned). */
export function rcodeName(n: number): string {
  return RCODES[n] ?? `RCODE${n}`;
}

// dns-packet names these UNKNOWN_<n>; the IANA mnemonics are more useful in events.
const EXTRA_TYPES: Readonly<Record<number, string>> = { 64: 'SVCB', 65: 'HTTPS', 62: 'CSYNC', 63: 'ZONEMD', 256: 'URI', 108: 'EUI48', 109: 'EUI64' };

/** dns-packet type name to ours: `UNKNOWN_65` → `HTTPS`, unknown → `TYPE<n>` (RFC 3597 style). */
export function typeName(dnsPacketName: string): string {
  if (!dnsPacketName.startsWith('UNKNOWN_')) return dnsPacketName;
  const n = Number(dnsPacketName.slice(8));
  return EXTRA_TYPES[n] ?? `TYPE${n}`;
}

function className(dnsPacketName: string): string {
  return dnsPacketName.startsWith('UNKNOWN_') ? `CLASS${dnsPacketName.slice(8)}` : dnsPacketName;
}

const FLAG_BITS: readonly (readonly [string, number])[] = [
  ['AA', 0x0400], ['TC', 0x0200], ['RD', 0x0100], ['RA', 0x0080], ['AD', 0x0020], ['CD', 0x0010],
];

/**
 * Decode one DNS message (without the TCP length prefix). Returns undefined when not even the 12-byte
 * header is there. Never throws.
 */
export function decodeDnsMessage(buf: Buffer, opts: DnsDecodeOptions = DEFAULT_DNS_DECODE): DnsMessage | undefined {
  return decodeSimpleDnsMessage(buf, opts) ?? decodeDnsMessageFull(buf, opts);
}

/** decodeDnsMessage through dns-packet for every message (the fast path's reference). */
export function decodeDnsMessageFull(buf: Buffer, opts: DnsDecodeOptions = DEFAULT_DNS_DECODE): DnsMessage | undefined {
  if (buf.length < 12) return undefined;
  const id = buf.readUInt16BE(0);
  const bits = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  const flags = FLAG_BITS.filter(([, m]) => (bits & m) !== 0).map(([n]) => n);
  let rcode = bits & 0x0f;
  const answers: DnsAnswer[] = [];
  let q: RawQuestion | undefined;
  let anomaly: string | undefined;
  let off = 12;
  try {
    for (let i = 0; i < counts[0]; i++) {
      const dq = lib.question.decode(buf, off);
      off += lib.question.decode.bytes;
      if (off > buf.length) throw new RangeError('question past end');
      q ??= dq;
    }
    const records = counts[1] + counts[2] + counts[3];
    for (let i = 0; i < records; i++) {
      const start = off;
      const a = lib.answer.decode(buf, off);
      // Find the end from RDLENGTH: dns-packet's own byte count drifts on short or odd RDATA.
      const rdStart = skipName(buf, start) + 10;
      if (rdStart > buf.length) throw new RangeError('record header past end');
      const rdLen = buf.readUInt16BE(rdStart - 2);
      off = rdStart + rdLen;
      if (off > buf.length) throw new RangeError('rdata past end');
      if (a.type === 'OPT') {
        rcode |= (a.extendedRcode ?? 0) << 4;
      } else if (i < counts[1] && answers.length < opts.maxAnswers) {
        answers.push(renderAnswer(a, buf, rdStart, rdLen, opts.maxDataChars));
      }
    }
    if (off < buf.length) anomaly = 'trailing_bytes';
  } catch {
    // dns-packet throws Error/RangeError on every malformation; the caller counts the anomaly.
    anomaly = 'decode_error';
  }
  const base = { id, isResponse: (bits & 0x8000) !== 0, opcode: (bits >> 11) & 0x0f, rcode: rcodeName(rcode), flags, answers };
  const withQ = q === undefined ? base : {
    ...base, questionName: stripDot(q.name), questionType: typeName(q.type), questionClass: className(q.class),
  };
  return anomaly === undefined ? withQ : { ...withQ, anomaly };
}

/** offset just past the (possibly compressed) name at `off`; the name itself was checked by dns-packet */
function skipName(buf: Buffer, off: number): number {
  let o = off;
  for (let i = 0; i < 128 && o < buf.length; i++) {
    const len = buf[o] ?? 0;
    if (len === 0) return o + 1;
    if ((len & 0xc0) === 0xc0) return o + 2;
    o += len + 1;
  }
  return buf.length + 1;
}

function stripDot(name: string): string {
  if (name === '.' || name === '') return '.';
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function renderAnswer(a: RawAnswer, msg: Buffer, rdStart: number, rdLen: number, max: number): DnsAnswer {
  const type = typeName(a.type);
  let data: string;
  try {
    data = renderData(type, a.data, msg, rdStart, rdLen);
  } catch {
    data = msg.subarray(rdStart, rdStart + rdLen).toString('hex');
  }
  if (data.length > max) data = data.slice(0, max);
  return { name: stripDot(a.name), type, ttl: a.ttl ?? 0, data };
}

function renderData(type: string, d: unknown, msg: Buffer, rdStart: number, rdLen: number): string {
  switch (type) {
    case 'A': case 'AAAA': return typeof d === 'string' ? d : '';
    case 'CNAME': case 'NS': case 'PTR': case 'DNAME': return typeof d === 'string' ? stripDot(d) : '';
    case 'MX': return stripDot(field(d, 'exchange'));
    case 'SRV': return stripDot(field(d, 'target'));
    case 'SOA': return stripDot(field(d, 'mname'));
    case 'NAPTR': return stripDot(field(d, 'replacement'));
    case 'TXT': return Array.isArray(d) ? d.map((s) => (Buffer.isBuffer(s) ? s.toString('utf8') : String(s))).join('') : '';
    case 'SVCB': case 'HTTPS': {
      // priority (2 bytes) then an uncompressed TargetName; the SvcParams are not rendered
      if (rdLen < 3) return '';
      const target = lib.name.decode(msg, rdStart + 2);
      return `${msg.readUInt16BE(rdStart)} ${stripDot(target)}`;
    }
    default: return renderValue(d);
  }
}

function field(d: unknown, key: string): string {
  if (typeof d !== 'object' || d === null) return '';
  const v = (d as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : '';
}

/** A short text rendering of whatever dns-packet produced (Buffers as hex). */
function renderValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(renderValue).join(' ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${renderValue(x)}`).join(' ');
  }
  return '';
}
