/**
 * pcapng writer (little-endian): one Section Header Block, one Interface Description Block per
 * interface (with if_name and if_tsresol), and an Enhanced Packet Block per record.
 */
import type { FrameRecord } from './capture.js';

/** One capture interface: link type and timestamp resolution (6 = µs, 9 = ns, as if_tsresol says). */
export interface PcapngInterface {
  readonly linkType: number;
  readonly tsresol: 6 | 9;
  readonly name: string;
  readonly snapLen: number;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function option(code: number, value: Uint8Array): Buffer {
  const b = Buffer.alloc(4 + pad4(value.length));
  b.writeUInt16LE(code, 0);
  b.writeUInt16LE(value.length, 2);
  b.set(value, 4);
  return b;
}

function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

const END_OF_OPTIONS = Buffer.alloc(4);

/** Encodes interfaces and records (in time order, `interfaceId` indexing `interfaces`) as pcapng. */
export function encodePcapng(interfaces: readonly PcapngInterface[], records: readonly FrameRecord[], application: string): Buffer {
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeUInt16LE(0, 6);
  shb.writeBigInt64LE(-1n, 8); // section length not given
  const parts: Buffer[] = [block(0x0a0d0d0a, Buffer.concat([shb, option(4, Buffer.from(application)), END_OF_OPTIONS]))];
  for (const itf of interfaces) {
    const head = Buffer.alloc(8);
    head.writeUInt16LE(itf.linkType, 0);
    head.writeUInt32LE(itf.snapLen, 4);
    parts.push(block(1, Buffer.concat([head, option(2, Buffer.from(itf.name)), option(9, Uint8Array.of(itf.tsresol)), END_OF_OPTIONS])));
  }
  for (const r of records) {
    const itf = interfaces[r.interfaceId];
    if (itf === undefined) throw new Error(`record on unknown interface ${r.interfaceId}`);
    const ticks = itf.tsresol === 9 ? BigInt(r.ts) * 1000n + BigInt(r.extraNs) : BigInt(r.ts);
    const body = Buffer.alloc(20 + pad4(r.frame.data.length));
    body.writeUInt32LE(r.interfaceId, 0);
    body.writeUInt32LE(Number(ticks >> 32n), 4);
    body.writeUInt32LE(Number(ticks & 0xffffffffn), 8);
    body.writeUInt32LE(r.frame.data.length, 12);
    body.writeUInt32LE(r.frame.origLen, 16);
    body.set(r.frame.data, 20);
    parts.push(block(6, body));
  }
  return Buffer.concat(parts);
}
