/**
 * Capture reader for a byte stream (standard input). Classic pcap goes through the `pcap-parser` package,
 * which reads only the microsecond magic and bounds nothing: this module sniffs the magic itself, rewrites a
 * nanosecond magic to the microsecond one (the layouts are identical) and scales the fraction, stops on a
 * captured length above the bound (pcap-parser would buffer until the end of the stream) and reports a
 * record cut short at the end (pcap-parser drops it silently). pcapng, which pcap-parser cannot read,
 * goes through the project's own incremental parser, as does classic pcap with `engine: 'builtin'`.
 */
import { PassThrough, type Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { RawFrame } from '../core/types.js';
import {
  createFrame,
  DEFAULT_MAX_FRAME_BYTES,
  describeUnknownMagic,
  sniffFormat,
  type ReadOptions,
  type ReadResult,
} from './pcap-format.js';
import { parserFor } from './pcap-file.js';

/** Stream reader options: which engine reads classic pcap. */
export interface StreamReadOptions extends ReadOptions {
  /** 'pcap-parser' (default) or 'builtin' (the incremental parser the file reader uses) */
  readonly engine?: 'pcap-parser' | 'builtin';
  /** largest record the builtin stream engine buffers, bytes (default 16 MiB + 16) */
  readonly maxBufferBytes?: number;
}

/** Reads a capture from a stream; never rejects on bad data. `name` is used in error messages. */
export async function readCaptureStream(
  input: Readable,
  name: string,
  onFrame: (f: RawFrame) => void,
  opts: StreamReadOptions = {},
): Promise<ReadResult> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let head = Buffer.alloc(0);
  let readError: string | undefined;
  const next = async (): Promise<Buffer | undefined> => {
    try {
      const r = await it.next();
      if (r.done === true) return undefined;
      return typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    } catch (e) {
      readError = `cannot read ${name}: ${e instanceof Error ? e.message : String(e)}`;
      return undefined;
    }
  };
  while (head.length < 4) {
    const c = await next();
    if (c === undefined) break;
    head = Buffer.concat([head, c]);
  }
  if (readError !== undefined) return { frames: 0, bytes: head.length, format: 'unknown', error: { file: name, offset: 0, message: readError } };
  if (head.length === 0) return { frames: 0, bytes: 0, format: 'unknown', error: { file: name, offset: 0, message: `${name} is empty (0 bytes): not a pcap or pcapng capture` } };
  const fmt = sniffFormat(head);
  if (fmt === 'unknown') return { frames: 0, bytes: 0, format: 'unknown', error: { file: name, offset: 0, message: `${name}: ${describeUnknownMagic(head)}` } };
  if (fmt === 'pcapng' || opts.engine === 'builtin') return readBuiltin(head, next, () => readError, name, onFrame, opts);
  return readWithPcapParser(head, next, () => readError, name, fmt === 'pcap-nsec', onFrame, opts);
}

async function readWithPcapParser(
  head: Buffer,
  next: () => Promise<Buffer | undefined>,
  readError: () => string | undefined,
  name: string,
  nanos: boolean,
  onFrame: (f: RawFrame) => void,
  opts: StreamReadOptions,
): Promise<ReadResult> {
  const maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const frame = createFrame();
  let frames = 0;
  let written = 0;
  let consumed = 0;
  let stop: { offset: number; message: string } | undefined;
  const pass = new PassThrough();
  const parser = pcapParser.parse(pass);
  const done = new Promise<void>((resolve) => {
    parser.on('end', () => resolve());
  });
  parser.on('error', (e: Error) => {
    stop ??= { offset: 0, message: e.message };
  });
  parser.on('globalHeader', (h: pcapParser.GlobalHeader) => {
    frame.linkType = h.linkLayerType & 0xffff;
    consumed = 24;
  });
  parser.on('packetHeader', (h: pcapParser.PacketHeader) => {
    if (h.capturedLength > maxFrame && stop === undefined) {
      stop = { offset: consumed, message: `corrupt record: captured length ${h.capturedLength} bytes exceeds the maximum of ${maxFrame}` };
      parser.errored = true;
    }
  });
  parser.on('packet', (p: pcapParser.Packet) => {
    if (stop !== undefined) return;
    const h = p.header;
    frame.ts = h.timestampSeconds * 1_000_000 + (nanos ? Math.floor(h.timestampMicroseconds / 1000) : h.timestampMicroseconds);
    frame.origLen = h.originalLength;
    frame.data = p.data;
    consumed += 16 + p.data.length;
    frames++;
    onFrame(frame);
  });
  let chunk: Buffer | undefined = head;
  if (nanos) {
    // pcap-parser knows only the µs magic; the nanosecond file is identical but for the magic and the unit
    chunk = Buffer.from(head);
    const little = chunk[0] === 0x4d;
    chunk.set(little ? [0xd4, 0xc3, 0xb2, 0xa1] : [0xa1, 0xb2, 0xc3, 0xd4], 0);
  }
  while (chunk !== undefined && stop === undefined) {
    written += chunk.length;
    if (!pass.write(chunk)) await new Promise((r) => pass.once('drain', r));
    opts.onProgress?.(written, 0);
    chunk = await next();
  }
  pass.end();
  await done;
  const fmt = nanos ? 'pcap-nsec' : 'pcap';
  const err = readError();
  if (err !== undefined) return { frames, bytes: written, format: fmt, error: { file: name, offset: consumed, message: err } };
  if (stop !== undefined) return { frames, bytes: written, format: fmt, error: { file: name, ...stop } };
  if (written > consumed) {
    const message = `truncated input: the record at offset ${consumed} is cut short (${written - consumed} bytes left over)`;
    return { frames, bytes: written, format: fmt, error: { file: name, offset: consumed, message } };
  }
  return { frames, bytes: written, format: fmt };
}

async function readBuiltin(
  head: Buffer,
  next: () => Promise<Buffer | undefined>,
  readError: () => string | undefined,
  name: string,
  onFrame: (f: RawFrame) => void,
  opts: StreamReadOptions,
): Promise<ReadResult> {
  let frames = 0;
  const chosen = parserFor(head, (f) => {
    frames++;
    onFrame(f);
  }, opts);
  if (typeof chosen === 'string') return { frames: 0, bytes: 0, format: 'unknown', error: { file: name, offset: 0, message: chosen } };
  const parser = chosen;
  const maxBuffer = opts.maxBufferBytes ?? 16 * 1024 * 1024 + 16;
  let buf = Buffer.allocUnsafe(Math.max(65536, head.length));
  let filled = 0;
  let pos = 0;
  let chunk: Buffer | undefined = head;
  while (chunk !== undefined) {
    if (filled + chunk.length > buf.length) {
      const size = Math.max(buf.length * 2, filled + chunk.length);
      if (size > maxBuffer + chunk.length) {
        const message = `record at offset ${pos} exceeds the stream buffer bound of ${maxBuffer} bytes`;
        return { frames, bytes: pos + filled, format: parser.format, error: { file: name, offset: pos, message } };
      }
      const bigger = Buffer.allocUnsafe(size);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    chunk.copy(buf, filled);
    filled += chunk.length;
    const used = parser.feed(new Uint8Array(buf.buffer, buf.byteOffset, buf.length), 0, filled, pos);
    opts.onProgress?.(pos + filled, 0);
    const e = parser.error();
    if (e !== undefined) return { frames, bytes: pos + filled, format: parser.format, error: { file: name, ...e } };
    buf.copyWithin(0, used, filled);
    pos += used;
    filled -= used;
    chunk = await next();
  }
  const err = readError();
  if (err !== undefined) return { frames, bytes: pos + filled, format: parser.format, error: { file: name, offset: pos, message: err } };
  if (filled > 0) {
    const message = `truncated input: the record at offset ${pos} is cut short (${filled} bytes left over)`;
    return { frames, bytes: pos + filled, format: parser.format, error: { file: name, offset: pos, message } };
  }
  return { frames, bytes: pos, format: parser.format };
}
