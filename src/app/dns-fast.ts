import dnsPacket from 'dns-packet';
import type { DnsAnswer } from '../core/types.js';
import type { DnsDecodeOptions, DnsMessage } from './dns-decode.js';

/**
 * The common DNS message without dns-packet's object tree: one question of a well-known type in class IN,
 * only A/AAAA/CNAME answers, no authority or additional records, ASCII names, no trailing bytes.
 * Returns undefined for anything else, and the caller decodes it with the full dns-packet based
 * decoder; for the messages it takes, the result equals that decoder's (test/app/dns-fast.test.ts
 * compares them on every message of the sample captures and on damaged copies).
 */
export function decodeSimpleDnsMessage(buf: Buffer, opts: DnsDecodeOptions): DnsMessage | undefined {
  const len = buf.length;
  if (len < 12) return undefined;
  const bits = (buf[2]! << 8) | buf[3]!;
  const qd = (buf[4]! << 8) | buf[5]!;
  const an = (buf[6]! << 8) | buf[7]!;
  if (qd !== 1 || an > opts.maxAnswers || buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0 || buf[11] !== 0) return undefined;
  const qName = readName(buf, 12);
  if (qName === undefined) return undefined;
  let off = nameEnd;
  if (off + 4 > len) return undefined;
  const qType = QTYPES[(buf[off]! << 8) | buf[off + 1]!];
  if (qType === undefined || buf[off + 2] !== 0 || buf[off + 3] !== 1) return undefined;
  off += 4;
  const answers: DnsAnswer[] = [];
  for (let i = 0; i < an; i++) {
    const name = readName(buf, off);
    if (name === undefined) return undefined;
    const rd = nameEnd + 10;
    if (rd > len) return undefined;
    const t = (buf[nameEnd]! << 8) | buf[nameEnd + 1]!;
    const ttl = buf.readUInt32BE(nameEnd + 4);
    const rdLen = (buf[rd - 2]! << 8) | buf[rd - 1]!;
    const next = rd + rdLen;
    if (next > len) return undefined;
    let type: string;
    let data: string;
    if (t === 1 && rdLen === 4) {
      type = 'A';
      data = `${buf[rd]}.${buf[rd + 1]}.${buf[rd + 2]}.${buf[rd + 3]}`;
    } else if (t === 28 && rdLen === 16) {
      type = 'AAAA';
      data = lib.aaaa.decode(buf, rd - 2);
    } else if (t === 5) {
      type = 'CNAME';
      const target = readName(buf, rd);
      if (target === undefined) return undefined;
      data = target;
    } else return undefined;
    if (data.length > opts.maxDataChars) data = data.slice(0, opts.maxDataChars);
    answers.push({ name, type, ttl, data });
    off = next;
  }
  if (off !== len) return undefined;
  const flags: string[] = [];
  for (const [n, m] of FLAG_BITS) if ((bits & m) !== 0) flags.push(n);
  return {
    id: (buf[0]! << 8) | buf[1]!,
    isResponse: (bits & 0x8000) !== 0,
    opcode: (bits >> 11) & 0x0f,
    rcode: RCODES[bits & 0x0f]!,
    flags,
    answers,
    questionName: qName,
    questionType: qType,
    questionClass: 'IN',
  };
}

interface Internals { aaaa: { decode(buf: Buffer, offset: number): string } }
// dns-packet exports its per-record codecs at run time; @types/dns-packet does not declare them.
const lib = dnsPacket as unknown as Internals;

// Question types named as dns-packet names them (after dns-decode's typeName), the usual ones only.
const QTYPES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY',
};

const RCODES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET',
  'NOTAUTH', 'NOTZONE', 'DSOTYPENI', 'RCODE12', 'RCODE13', 'RCODE14', 'RCODE15',
] as const;

const FLAG_BITS: readonly (readonly [string, number])[] = [
  ['AA', 0x0400], ['TC', 0x0200], ['RD', 0x0100], ['RA', 0x0080], ['AD', 0x0020], ['CD', 0x0010],
];

// where the last name read by readName ended in the message (past its terminator or first pointer)
let nameEnd = 0;

/**
 * The name at `start` as dns-packet writes it, without a trailing dot ('.' for the root), or undefined
 * when any label is not ASCII (dns-packet decodes labels as UTF-8) or dns-packet would reject the name:
 * a pointer not strictly backwards, a name over 254 bytes, a reserved label type, bytes past the end.
 */
function readName(buf: Buffer, start: number): string | undefined {
  const len = buf.length;
  let off = start;
  let lowest = start;
  let total = 0;
  let jumped = false;
  let name = '';
  for (let hops = 0; hops < 128; hops++) {
    if (off >= len) return undefined;
    const l = buf[off]!;
    if (l === 0) {
      if (!jumped) nameEnd = off + 1;
      // as dns-decode's stripDot: a label may itself end in '.'
      return name === '' ? '.' : name.endsWith('.') ? name.slice(0, -1) : name;
    }
    if ((l & 0xc0) === 0xc0) {
      if (off + 1 >= len) return undefined;
      const to = ((l & 0x3f) << 8) | buf[off + 1]!;
      if (to >= lowest) return undefined;
      if (!jumped) nameEnd = off + 2;
      jumped = true;
      lowest = to;
      off = to;
      continue;
    }
    if ((l & 0xc0) !== 0) return undefined;
    const s = off + 1;
    const e = s + l;
    if (e > len) return undefined;
    total += l + 1;
    if (total > 254) return undefined;
    for (let i = s; i < e; i++) if (buf[i]! >= 0x80) return undefined;
    name = name === '' ? buf.toString('latin1', s, e) : name + '.' + buf.toString('latin1', s, e);
    off = e;
  }
  return undefined;
}
