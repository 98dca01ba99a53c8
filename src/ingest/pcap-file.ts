/**
 * Fast synchronous capture-file reader: fs.readSync into one reused chunk buffer (8 MiB by default),
 * records straddling a chunk edge are moved to the front and completed by the next read. Frames are views
 * into that buffer and are valid only during the onFrame call.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { RawFrame } from '../core/types.js';
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_BLOCK_BYTES,
  describeUnknownMagic,
  sniffFormat,
  type ReadOptions,
  type ReadResult,
  type RecordParser,
} from './pcap-format.js';
import { createPcapParser } from './pcap-classic.js';
import { createPcapngParser } from './pcapng.js';

/** A short reason for a failed open/read, without a stack. */
export function fsErrorMessage(path: string, e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT') return `cannot open ${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot open ${path}: permission denied`;
  if (code === 'EISDIR') return `cannot read ${path}: it is a directory`;
  return `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`;
}

/** Picks the record parser for a sniffed head, or returns the error message. */
export function parserFor(head: Uint8Array, onFrame: (f: RawFrame) => void, opts: ReadOptions): RecordParser | string {
  const fmt = sniffFormat(head);
  const common = { ...(opts.maxFrameBytes !== undefined && { maxFrameBytes: opts.maxFrameBytes }) };
  if (fmt === 'pcap' || fmt === 'pcap-nsec') return createPcapParser(onFrame, common);
  if (fmt === 'pcapng') {
    return createPcapngParser(onFrame, {
      ...common,
      ...(opts.maxBlockBytes !== undefined && { maxBlockBytes: opts.maxBlockBytes }),
      ...(opts.counters !== undefined && { counters: opts.counters }),
    });
  }
  return describeUnknownMagic(head);
}

/**
 * Reads a whole capture file synchronously. Never throws on bad data or a missing file: every complete
 * record is delivered, then `error` says where and why reading stopped.
 */
export function readCaptureFileSync(path: string, onFrame: (f: RawFrame) => void, opts: ReadOptions = {}): ReadResult {
  const steps = readCaptureFileSteps(path, onFrame, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same reader, giving way after every chunk so that sockets (syslog sinks) can send while a large
 * file is replayed; `pause` may return a promise to wait on (output backpressure).
 */
export async function readCaptureFile(path: string, onFrame: (f: RawFrame) => void, opts: ReadOptions & { readonly pause?: () => Promise<void> | undefined } = {}): Promise<ReadResult> {
  const steps = readCaptureFileSteps(path, onFrame, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const wait = opts.pause?.();
    if (wait) await wait;
  }
}

/** The reader as steps: one `yield` after each chunk is parsed. */
function* readCaptureFileSteps(path: string, onFrame: (f: RawFrame) => void, opts: ReadOptions): Generator<void, ReadResult> {
  let frames = 0;
  const counting = (f: RawFrame): void => {
    frames++;
    onFrame(f);
  };
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { frames: 0, bytes: 0, format: 'unknown', error: { file: path, offset: 0, message: fsErrorMessage(path, e) } };
  }
  let readErr: string | undefined;
  const read = (b: Buffer, off: number, len: number, at: number): number => {
    try {
      return readSync(fd, b, off, len, at);
    } catch (e) {
      readErr = fsErrorMessage(path, e);
      return 0;
    }
  };
  try {
    let isDir = false;
    try {
      const st = fstatSync(fd);
      isDir = st.isDirectory();
      size = st.size;
    } catch (e) {
      return fail(path, 0, 'unknown', fsErrorMessage(path, e));
    }
    if (isDir) return fail(path, 0, 'unknown', `cannot read ${path}: it is a directory`);
    if (size === 0) return fail(path, 0, 'unknown', `${path} is empty (0 bytes): not a pcap or pcapng capture`);
    const chunk = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const maxRecord = Math.max(opts.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES, opts.maxFrameBytes ?? 0) + 16;
    let buf = Buffer.allocUnsafe(Math.max(64, Math.min(chunk, size)));
    let filled = read(buf, 0, buf.length, 0);
    if (readErr !== undefined) return fail(path, 0, 'unknown', readErr);
    const chosen = parserFor(buf.subarray(0, filled), counting, opts);
    if (typeof chosen === 'string') return fail(path, 0, 'unknown', `${path}: ${chosen}`);
    const parser = chosen;
    // plain Uint8Array views: Buffer#subarray builds a Buffer per frame, several times slower
    let view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    let pos = 0; // file offset of buf[0]
    let eof = filled === 0;
    for (;;) {
      const consumed = parser.feed(view, 0, filled, pos);
      opts.onProgress?.(pos + filled, size);
      yield;
      const err = parser.error();
      if (err !== undefined) return fail(path, err.offset, parser.format, err.message, frames, pos + filled);
      if (eof) {
        const left = filled - consumed;
        if (left > 0) {
          const need = parser.wanted();
          const what = need > 0 ? `needs ${need} bytes, only ${left} left` : `${left} bytes left over`;
          const msg = `truncated file: the record at offset ${pos + consumed} ${what}`;
          return fail(path, pos + consumed, parser.format, msg, frames, pos + filled);
        }
        return { frames, bytes: pos + filled, format: parser.format };
      }
      buf.copyWithin(0, consumed, filled);
      pos += consumed;
      filled -= consumed;
      const wanted = parser.wanted();
      if (wanted > buf.length && wanted <= maxRecord) {
        const bigger = Buffer.allocUnsafe(wanted);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
        view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
      }
      // a full buffer reads 0 bytes and ends as a truncation instead of looping
      const n = read(buf, filled, buf.length - filled, pos + filled);
      if (readErr !== undefined) return fail(path, pos + filled, parser.format, readErr, frames, pos + filled);
      if (n === 0) eof = true;
      filled += n;
    }
  } finally {
    closeSync(fd);
  }
}

function fail(file: string, offset: number, format: ReadResult['format'], message: string, frames = 0, bytes = 0): ReadResult {
  return { frames, bytes, format, error: { file, offset, message } };
}
