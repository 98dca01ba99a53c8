/** Byte builders for small pcap/pcapng fixtures (tests only). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Rec {
  sec: number;
  frac: number;
  data: number[];
  origLen?: number;
}

/** A classic pcap: magic per `nanos`, byte order per `little`. */
export function pcapBytes(recs: Rec[], opts: { little?: boolean; nanos?: boolean; linkType?: number } = {}): Buffer {
  const little = opts.little ?? true;
  const hdr = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, o: number): number => (little ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const w16 = (b: Buffer, v: number, o: number): number => (little ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  w32(hdr, opts.nanos === true ? 0xa1b23c4d : 0xa1b2c3d4, 0); // magic
  w16(hdr, 2, 4); // version major
  w16(hdr, 4, 6); // version minor
  w32(hdr, 65535, 16); // snaplen
  w32(hdr, opts.linkType ?? 1, 20); // link type
  const parts = [hdr];
  for (const r of recs) {
    const h = Buffer.alloc(16);
    w32(h, r.sec, 0); // ts seconds
    w32(h, r.frac, 4); // ts µs or ns
    w32(h, r.data.length, 8); // captured length
    w32(h, r.origLen ?? r.data.length, 12); // original length
    parts.push(h, Buffer.from(r.data));
  }
  return Buffer.concat(parts);
}

/** One pcapng block: type, body (padded to 4), lengths at both ends. */
export function block(type: number, body: Buffer, little = true): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const len = 12 + body.length + pad;
  const b = Buffer.alloc(len);
  if (little) {
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(len, len - 4);
  } else {
    b.writeUInt32BE(type, 0);
    b.writeUInt32BE(len, 4);
    b.writeUInt32BE(len, len - 4);
  }
  body.copy(b, 8);
  return b;
}

export function shb(little = true): Buffer {
  const body = Buffer.alloc(16);
  if (little) {
    body.writeUInt32LE(0x1a2b3c4d, 0); // byte-order magic
    body.writeUInt16LE(1, 4); // major
    body.writeInt32LE(-1, 8); // section length (unknown), low word
    body.writeInt32LE(-1, 12);
  } else {
    body.writeUInt32BE(0x1a2b3c4d, 0);
    body.writeUInt16BE(1, 4);
    body.writeInt32BE(-1, 8);
    body.writeInt32BE(-1, 12);
  }
  return block(0x0a0d0d0a, body, little);
}

/** Interface Description Block with optional if_tsresol and if_tsoffset options. */
export function idb(linkType: number, snaplen: number, opts: { tsresol?: number; tsoffset?: number; little?: boolean } = {}): Buffer {
  const little = opts.little ?? true;
  const parts: Buffer[] = [];
  const head = Buffer.alloc(8);
  if (little) {
    head.writeUInt16LE(linkType, 0);
    head.writeUInt32LE(snaplen, 4);
  } else {
    head.writeUInt16BE(linkType, 0);
    head.writeUInt32BE(snaplen, 4);
  }
  parts.push(head);
  const opt = (code: number, val: Buffer): void => {
    const h = Buffer.alloc(4);
    if (little) {
      h.writeUInt16LE(code, 0);
      h.writeUInt16LE(val.length, 2);
    } else {
      h.writeUInt16BE(code, 0);
      h.writeUInt16BE(val.length, 2);
    }
    parts.push(h, val, Buffer.alloc((4 - (val.length % 4)) % 4));
  };
  if (opts.tsresol !== undefined) opt(9, Buffer.from([opts.tsresol]));
  if (opts.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (little) v.writeBigInt64LE(BigInt(opts.tsoffset));
    else v.writeBigInt64BE(BigInt(opts.tsoffset));
    opt(14, v);
  }
  if (parts.length > 1) parts.push(Buffer.alloc(4)); // opt_endofopt
  return block(1, Buffer.concat(parts), little);
}

/** Enhanced Packet Block; ts is the raw 64-bit unit count. */
export function epb(iface: number, ts: bigint, data: number[], little = true, origLen = data.length): Buffer {
  const h = Buffer.alloc(20);
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  if (little) {
    h.writeUInt32LE(iface, 0);
    h.writeUInt32LE(hi, 4);
    h.writeUInt32LE(lo, 8);
    h.writeUInt32LE(data.length, 12);
    h.writeUInt32LE(origLen, 16);
  } else {
    h.writeUInt32BE(iface, 0);
    h.writeUInt32BE(hi, 4);
    h.writeUInt32BE(lo, 8);
    h.writeUInt32BE(data.length, 12);
    h.writeUInt32BE(origLen, 16);
  }
  return block(6, Buffer.concat([h, Buffer.from(data)]), little);
}

/** Simple Packet Block (original length, then data). */
export function spb(data: number[], origLen = data.length): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32LE(origLen, 0);
  return block(3, Buffer.concat([h, Buffer.from(data)]));
}

/** Writes bytes to a fresh temp file and returns its path. */
export function tempFile(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-ingest-'));
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
