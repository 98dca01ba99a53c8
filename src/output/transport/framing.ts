/**
 * Message encoding for the wire: UTF-8, cut to a byte limit at a safe boundary, and framed for a
 * stream transport (RFC 6587 octet counting, or one message per LF-terminated line).
 */

/** Result of fitting a message into a byte limit. */
export interface Encoded {
  readonly bytes: Buffer;
  readonly truncated: boolean;
}

/**
 * UTF-8 bytes of `msg`, at most `maxBytes`: a cut never splits a UTF-8 sequence and never leaves a
 * dangling escape backslash (CEF / SD-PARAM) at the end. Any LF or CR left over becomes a space, so a
 * message can never break LF framing even if a formatter missed one.
 */
export function encodeMessage(msg: string, maxBytes: number): Encoded {
  let buf = Buffer.from(msg.includes('\n') || msg.includes('\r') ? msg.replace(/[\r\n]/g, ' ') : msg, 'utf8');
  if (buf.length <= maxBytes) return { bytes: buf, truncated: false };
  let end = maxBytes;
  // step back over UTF-8 continuation bytes (10xxxxxx) to the start of the cut character
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  let slashes = 0;
  while (end - slashes - 1 >= 0 && buf[end - slashes - 1] === 0x5c) slashes++;
  if (slashes % 2 === 1) end--;
  buf = buf.subarray(0, end);
  return { bytes: buf, truncated: true };
}

/** `LEN SP MSG` (RFC 6587 3.4.1) or `MSG LF` (3.4.2). */
export function frame(msg: Buffer, framing: 'octet_counting' | 'lf'): Buffer {
  if (framing === 'lf') return Buffer.concat([msg, Buffer.from('\n')]);
  return Buffer.concat([Buffer.from(`${msg.length} `, 'ascii'), msg]);
}
