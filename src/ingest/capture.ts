/**
 * The one entry point of the capture readers: `readCapture(path | '-', onFrame)`. The format is sniffed
 * from the magic number (files are sometimes misnamed), never from the extension.
 */
import type { RawFrame } from '../core/types.js';
import type { ReadOptions, ReadResult } from './pcap-format.js';
import { readCaptureFile } from './pcap-file.js';
import { readCaptureStream, type StreamReadOptions } from './pcap-stream.js';

export type { CaptureFormat, ReadError, ReadOptions, ReadResult } from './pcap-format.js';

/**
 * Reads a pcap (µs or ns, either byte order) or pcapng capture from a file, or from standard input when
 * `path` is '-'. Calls onFrame for every frame in order; the frame object and its data are reused after
 * the call returns (copy to keep). Never rejects on bad data: a truncated or corrupt capture yields every
 * complete record, then `error` with the byte offset; an empty, missing or non-capture file is an error.
 */
export async function readCapture(
  path: string,
  onFrame: (f: RawFrame) => void,
  opts: ReadOptions & Pick<StreamReadOptions, 'engine'> & { readonly pause?: () => Promise<void> | undefined } = {},
): Promise<ReadResult> {
  if (path === '-') return readCaptureStream(process.stdin, 'stdin', onFrame, opts);
  return readCaptureFile(path, onFrame, opts);
}
