/**
 * Classic pcap writer: little-endian, magic a1b2c3d4 (microsecond timestamps), version 2.4.
 * Each record keeps the frame's captured bytes (incl_len) and its length on the wire (orig_len).
 */
import type { FrameRecord } from './capture.js';

/** Global header bytes. */
export const PCAP_HEADER_BYTES = 24;
/** Per-record header bytes. */
export const PCAP_RECORD_HEADER_BYTES = 16;

/** Encodes records (already in time order) as one classic pcap file with the given link type. */
export function encodePcap(records: readonly FrameRecord[], linkType: number, snapLen = 262144): Buffer {
  let size = PCAP_HEADER_BYTES;
  for (const r of records) size += PCAP_RECORD_HEADER_BYTES + r.frame.data.length;
  const out = Buffer.alloc(size);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeInt32LE(0, 8); // thiszone
  out.writeUInt32LE(0, 12); // sigfigs
  out.writeUInt32LE(snapLen, 16);
  out.writeUInt32LE(linkType, 20);
  let off = PCAP_HEADER_BYTES;
  for (const r of records) {
    out.writeUInt32LE(Math.floor(r.ts / 1e6), off);
    out.writeUInt32LE(r.ts % 1e6, off + 4);
    out.writeUInt32LE(r.frame.data.length, off + 8);
    out.writeUInt32LE(r.frame.origLen, off + 12);
    out.set(r.frame.data, off + 16);
    off += PCAP_RECORD_HEADER_BYTES + r.frame.data.length;
  }
  return out;
}
