/**
 * Incremental parser of classic libpcap files: both byte orders, microsecond (a1b2c3d4) and nanosecond
 * (a1b23c4d) magic. One reused frame; its data is a view into the caller's buffer.
 */
import type { RawFrame } from '../core/types.js';
import { createFrame, DEFAULT_MAX_FRAME_BYTES, type RecordParser } from './pcap-format.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/** Options of the classic pcap parser. */
export interface PcapParserOptions {
  /** largest captured length accepted, bytes; a larger record is a corrupt file (default 262144) */
  readonly maxFrameBytes?: number;
}

/** Creates a classic pcap RecordParser that hands every record to onFrame. */
export function createPcapParser(onFrame: (f: RawFrame) => void, opts: PcapParserOptions = {}): RecordParser {
  const maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const frame = createFrame();
  let headerDone = false;
  let little = true;
  let nanos = false;
  let wanted = 0;
  let error: { offset: number; message: string } | undefined;
  let view: DataView | undefined;
  let viewOf: Uint8Array | undefined;

  function readHeader(buf: Uint8Array, at: number, base: number): boolean {
    const magicBe = ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
    if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) little = false;
    else if (magicBe === 0xd4c3b2a1 || magicBe === 0x4d3cb2a1) little = true;
    else {
      error = { offset: base, message: `not a classic pcap file (magic ${magicBe.toString(16).padStart(8, '0')})` };
      return false;
    }
    nanos = magicBe === 0xa1b23c4d || magicBe === 0x4d3cb2a1;
    const dv = new DataView(buf.buffer, buf.byteOffset + at, FILE_HEADER);
    const major = dv.getUint16(4, little);
    if (major !== 2) {
      error = { offset: base, message: `unsupported pcap version ${major}.${dv.getUint16(6, little)} (only 2.x)` };
      return false;
    }
    // the top bits of the link-type word may carry FCS length flags (pcap spec): the type is the low 16 bits
    frame.linkType = dv.getUint32(20, little) & 0xffff;
    headerDone = true;
    return true;
  }

  return {
    get format() {
      return nanos ? 'pcap-nsec' : 'pcap';
    },
    wanted: () => wanted,
    error: () => error,
    feed(buf, start, end, base) {
      let p = start;
      wanted = 0;
      if (!headerDone) {
        if (end - p < FILE_HEADER) {
          wanted = FILE_HEADER;
          return 0;
        }
        if (!readHeader(buf, p, base)) return 0;
        p += FILE_HEADER;
      }
      if (viewOf !== buf) {
        view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        viewOf = buf;
      }
      const dv = view!;
      const le = little;
      const tsScale = nanos ? 1000 : 1;
      while (end - p >= RECORD_HEADER) {
        const caplen = dv.getUint32(p + 8, le);
        if (caplen > maxFrame) {
          error = {
            offset: base + (p - start),
            message: `corrupt record: captured length ${caplen} bytes exceeds the maximum of ${maxFrame}`,
          };
          return p - start;
        }
        const total = RECORD_HEADER + caplen;
        if (end - p < total) {
          wanted = total;
          break;
        }
        const sec = dv.getUint32(p, le);
        const frac = dv.getUint32(p + 4, le);
        frame.ts = sec * 1_000_000 + (tsScale === 1 ? frac : Math.floor(frac / tsScale));
        frame.origLen = dv.getUint32(p + 12, le);
        frame.data = buf.subarray(p + RECORD_HEADER, p + total);
        p += total;
        onFrame(frame);
      }
      if (end - p < RECORD_HEADER && wanted === 0) wanted = RECORD_HEADER;
      return p - start;
    },
  };
}
