/**
 * What the capture readers share: the result shape, the incremental record-parser contract that both the
 * file reader and the stream reader drive, and magic-number sniffing.
 */
import type { RawFrame } from '../core/types.js';
import type { Counters } from '../core/counters.js';

/** Container format found by the magic number (never by the file name). */
export type CaptureFormat = 'pcap' | 'pcap-nsec' | 'pcapng' | 'unknown';

/** Where and why reading stopped early. `offset` is the byte offset of the record that could not be read. */
export interface ReadError {
  readonly file: string;
  readonly offset: number;
  readonly message: string;
}

/** What a reader returns; frames read before an error are all delivered before it resolves. */
export interface ReadResult {
  /** frames handed to onFrame */
  readonly frames: number;
  /** bytes consumed from the source */
  readonly bytes: number;
  readonly format: CaptureFormat;
  readonly error?: ReadError;
}

/** Reader options. */
export interface ReadOptions {
  /** called after each chunk with bytes read so far and the file size (0 when unknown, e.g. stdin) */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** counts reader anomalies such as `pcapng.unknown_interface` */
  readonly counters?: Counters;
  /** largest captured length accepted for one frame, bytes (default 262144, as libpcap/Wireshark) */
  readonly maxFrameBytes?: number;
  /** largest pcapng block accepted, bytes (default 16 MiB, as Wireshark) */
  readonly maxBlockBytes?: number;
  /** chunk size of the synchronous file reader, bytes (default 256 KiB) */
  readonly chunkBytes?: number;
}

/** Default bound on one frame's captured length, bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 262_144;
/** Default bound on one pcapng block, bytes. */
export const DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/** Default chunk size of the file reader, bytes: 256 KiB stays in L2 cache and measured faster than 8 MiB (docs/ingest-decode.md). */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** A RawFrame the readers refill in place for every record (no allocation per frame but the data view). */
export type MutableFrame = { -readonly [K in keyof RawFrame]: RawFrame[K] };

/** A fresh reusable frame. */
export function createFrame(): MutableFrame {
  return { ts: 0, linkType: 0, data: new Uint8Array(0), origLen: 0, interfaceId: 0 };
}

/**
 * An incremental parser over a byte window. `feed` walks every complete record in buf[start, end) (the
 * file header included), calls onFrame for each packet and returns the bytes it consumed. It stops at the
 * first incomplete record, setting `wanted` to that record's full size (0 when not yet known), or at the
 * first corrupt one, setting `error` (offsets are source offsets: `base` is the source offset of `start`).
 */
export interface RecordParser {
  readonly format: CaptureFormat;
  feed(buf: Uint8Array, start: number, end: number, base: number): number;
  /** size of the record the last feed stopped at for lack of bytes, bytes */
  wanted(): number;
  /** set once a corrupt record is met; parsing must stop */
  error(): { offset: number; message: string } | undefined;
}

const MAGIC_PCAP_US = 0xa1b2c3d4;
const MAGIC_PCAP_NS = 0xa1b23c4d;
const MAGIC_PCAPNG = 0x0a0d0d0a;

/** Sniffs the container format from the first 4 bytes (either byte order). */
export function sniffFormat(head: Uint8Array): CaptureFormat {
  if (head.length < 4) return 'unknown';
  const be = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  const le = ((head[3]! << 24) | (head[2]! << 16) | (head[1]! << 8) | head[0]!) >>> 0;
  if (be === MAGIC_PCAP_US || le === MAGIC_PCAP_US) return 'pcap';
  if (be === MAGIC_PCAP_NS || le === MAGIC_PCAP_NS) return 'pcap-nsec';
  if (be === MAGIC_PCAPNG) return 'pcapng';
  return 'unknown';
}

/** A clear message for a file that is not a capture, naming what it looks like when that is cheap to tell. */
export function describeUnknownMagic(head: Uint8Array): string {
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  if (head[0] === 0x1f && head[1] === 0x8b) return `gzip-compressed file (magic ${hex}): decompress it first`;
  if (hex === 'a1b2cd34' || hex === '34cdb2a1') return `modified (Kuznetsov) pcap format (magic ${hex}) is not supported`;
  return `not a pcap or pcapng capture (magic ${hex})`;
}
