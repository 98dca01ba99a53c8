import { hash } from 'node:crypto';

/**
 * Community ID v1 (corelight/community-id-spec): `1:` + base64(SHA-1(seed, lower endpoint first:
 * src addr, dst addr, proto, pad byte, src port, dst port)), all in network byte order.
 * For ICMP the "ports" are type and code, ordered by the spec's request/reply pairs.
 * One reused input buffer per shape: no allocation per call besides the result string.
 */
export function communityId(
  src: Uint8Array, dst: Uint8Array, proto: number, srcPort: number, dstPort: number, seed = 0,
): string {
  let sp = srcPort;
  let dp = dstPort;
  let oneWay = false;
  if (proto === 1 || proto === 58) {
    const mapped = icmpCounterpart(proto, srcPort);
    if (mapped === undefined) oneWay = true;
    else dp = mapped;
  }
  // Order by address, then port, so both directions hash the same.
  const cmp = compareBytes(src, dst);
  const swap = !oneWay && (cmp > 0 || (cmp === 0 && sp > dp));
  const a = swap ? dst : src;
  const b = swap ? src : dst;
  if (swap) [sp, dp] = [dp, sp];
  const hasPorts = proto === 6 || proto === 17 || proto === 132 || proto === 1 || proto === 58;
  const buf = inputFor(a.length + b.length, hasPorts);
  buf[0] = (seed >>> 8) & 0xff;
  buf[1] = seed & 0xff;
  buf.set(a, 2);
  let o = 2 + a.length;
  buf.set(b, o);
  o += b.length;
  buf[o++] = proto;
  buf[o++] = 0;
  if (hasPorts) {
    buf[o++] = (sp >>> 8) & 0xff; buf[o++] = sp & 0xff;
    buf[o++] = (dp >>> 8) & 0xff; buf[o] = dp & 0xff;
  }
  return '1:' + hash('sha1', buf, 'base64');
}

const INPUTS = new Map<number, Buffer>();

function inputFor(addrBytes: number, hasPorts: boolean): Buffer {
  const size = 2 + addrBytes + 2 + (hasPorts ? 4 : 0);
  let b = INPUTS.get(size);
  if (!b) {
    b = Buffer.alloc(size);
    INPUTS.set(size, b);
  }
  return b;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

// ICMP type pairs from the spec: request type -> reply type (both ways). undefined = one-way type.
const ICMP4: ReadonlyMap<number, number> = new Map([[8, 0], [0, 8], [13, 14], [14, 13], [15, 16], [16, 15], [10, 9], [9, 10], [17, 18], [18, 17]]);
const ICMP6: ReadonlyMap<number, number> = new Map([[128, 129], [129, 128], [133, 134], [134, 133], [135, 136], [136, 135], [130, 131], [131, 130], [144, 145], [145, 144]]);

function icmpCounterpart(proto: number, type: number): number | undefined {
  return (proto === 1 ? ICMP4 : ICMP6).get(type);
}
