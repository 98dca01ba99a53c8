/**
 * Incremental pcapng parser: Section Header (either byte order, several sections), Interface Description
 * (link type, snaplen, if_tsresol incl. power-of-2, if_tsoffset), Enhanced, Simple and obsolete Packet
 * blocks; every other block is skipped by its length. One reused frame; data is a view into the buffer.
 */
import type { RawFrame } from '../core/types.js';
import type { Counters } from '../core/counters.js';
import { createFrame, DEFAULT_MAX_BLOCK_BYTES, DEFAULT_MAX_FRAME_BYTES, type RecordParser } from './pcap-format.js';
import { resolutionFrom, toMicros, type TsResolution } from './pcapng-timestamp.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_OPB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BOM = 0x1a2b3c4d;
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

interface Iface {
  readonly linkType: number;
  readonly snaplen: number;
  readonly res: TsResolution;
}

/** Options of the pcapng parser. */
export interface PcapngParserOptions {
  /** largest packet captured length accepted, bytes (default 262144); larger packets are skipped and counted */
  readonly maxFrameBytes?: number;
  /** largest block accepted, bytes (default 16 MiB); a larger block length is a corrupt file */
  readonly maxBlockBytes?: number;
  /** maximum interfaces per section (default 1024); more are counted and ignored */
  readonly maxInterfaces?: number;
  readonly counters?: Counters;
}

/** Creates a pcapng RecordParser that hands every packet to onFrame. */
export function createPcapngParser(onFrame: (f: RawFrame) => void, opts: PcapngParserOptions = {}): RecordParser {
  const maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxBlock = opts.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
  const maxIfaces = opts.maxInterfaces ?? 1024;
  const count = (name: string): void => opts.counters?.inc(name);
  const frame = createFrame();
  let ifaces: Iface[] = [];
  let little = true;
  let inSection = false;
  let lastTs = 0;
  let wanted = 0;
  let error: { offset: number; message: string } | undefined;

  function parseIdb(dv: DataView, p: number, len: number): void {
    if (len < 20) return count('pcapng.bad_interface_block');
    let tsresol = 6;
    let offsetSec = 0;
    const end = p + len - 4;
    for (let o = p + 16; o + 4 <= end; ) {
      const code = dv.getUint16(o, little);
      const olen = dv.getUint16(o + 2, little);
      if (code === 0) break;
      if (o + 4 + olen > end) {
        count('pcapng.bad_option');
        break;
      }
      if (code === OPT_TSRESOL && olen >= 1) tsresol = dv.getUint8(o + 4);
      else if (code === OPT_TSOFFSET && olen >= 8) offsetSec = Number(dv.getBigInt64(o + 4, little));
      o += 4 + ((olen + 3) & ~3);
    }
    if (ifaces.length >= maxIfaces) return count('pcapng.too_many_interfaces');
    ifaces.push({ linkType: dv.getUint16(p + 8, little), snaplen: dv.getUint32(p + 12, little), res: resolutionFrom(tsresol, offsetSec) });
  }

  function emit(buf: Uint8Array, id: number, ts: number, dataAt: number, caplen: number, origLen: number, iface: Iface): void {
    frame.ts = ts;
    lastTs = ts;
    frame.linkType = iface.linkType;
    frame.interfaceId = id;
    frame.origLen = origLen;
    frame.data = buf.subarray(dataAt, dataAt + caplen);
    onFrame(frame);
  }

  function parsePacket(buf: Uint8Array, dv: DataView, p: number, len: number, type: number): void {
    if (len < 32) return count('pcapng.bad_packet_block');
    const id = type === BT_EPB ? dv.getUint32(p + 8, little) : dv.getUint16(p + 8, little);
    const iface = ifaces[id];
    if (iface === undefined) return count('pcapng.unknown_interface');
    const caplen = dv.getUint32(p + 20, little);
    if (28 + caplen > len - 4) return count('pcapng.bad_packet_block');
    if (caplen > maxFrame) return count('pcapng.frame_too_large');
    const ts = toMicros(dv.getUint32(p + 12, little), dv.getUint32(p + 16, little), iface.res);
    emit(buf, id, ts, p + 28, caplen, dv.getUint32(p + 24, little), iface);
  }

  function parseSpb(buf: Uint8Array, dv: DataView, p: number, len: number): void {
    const iface = ifaces[0];
    if (iface === undefined) return count('pcapng.unknown_interface');
    if (len < 16) return count('pcapng.bad_packet_block');
    const origLen = dv.getUint32(p + 8, little);
    let caplen = Math.min(origLen, len - 16);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    if (caplen > maxFrame) return count('pcapng.frame_too_large');
    // a Simple Packet Block has no timestamp: it inherits the last one seen, keeping time monotonic
    emit(buf, 0, lastTs, p + 12, caplen, origLen, iface);
  }

  /** Reads a block's byte order and length at p; returns the length or -1 after setting `error`. */
  function blockLength(dv: DataView, p: number, base: number): number {
    const type = dv.getUint32(p, false);
    if (type === BT_SHB) {
      const bom = dv.getUint32(p + 8, false);
      if (bom === BOM) little = false;
      else if (bom === 0x4d3c2b1a) little = true;
      else {
        error = { offset: base, message: `corrupt pcapng section header: bad byte-order magic ${bom.toString(16)}` };
        return -1;
      }
      inSection = true;
    } else if (!inSection) {
      error = { offset: base, message: 'not a pcapng file: the first block is not a Section Header Block' };
      return -1;
    }
    const len = dv.getUint32(p + 4, little);
    if (len < 12 || len % 4 !== 0 || len > maxBlock || (type === BT_SHB && len < 28)) {
      error = { offset: base, message: `corrupt pcapng block: length ${len} (type 0x${type.toString(16)})` };
      return -1;
    }
    return len;
  }

  return {
    format: 'pcapng',
    wanted: () => wanted,
    error: () => error,
    feed(buf, start, end, base) {
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      let p = start;
      wanted = 0;
      while (end - p >= 12) {
        const len = blockLength(dv, p, base + (p - start));
        if (len < 0) break;
        if (end - p < len) {
          wanted = len;
          break;
        }
        const trailer = dv.getUint32(p + len - 4, little);
        if (trailer !== len) {
          error = { offset: base + (p - start), message: `corrupt pcapng block: trailing length ${trailer} != ${len}` };
          break;
        }
        const type = dv.getUint32(p, little);
        if (type === BT_SHB) {
          const major = dv.getUint16(p + 12, little);
          if (major !== 1) {
            error = { offset: base + (p - start), message: `unsupported pcapng version ${major}` };
            break;
          }
          ifaces = [];
        } else if (type === BT_IDB) parseIdb(dv, p, len);
        else if (type === BT_EPB || type === BT_OPB) parsePacket(buf, dv, p, len, type);
        else if (type === BT_SPB) parseSpb(buf, dv, p, len);
        p += len;
      }
      if (wanted === 0 && error === undefined && end - p < 12) wanted = 12;
      return p - start;
    },
  };
}
