/**
 * Escaping helpers shared by every output format. Every string that reaches an output may come off the
 * wire (DNS names, SNI, HTTP headers, FTP arguments), so each format passes it through these first.
 */

/** Longest string value any format writes, in UTF-16 code units; longer values are cut and end in `…`. */
// As large as the longest value an observer keeps (a DNS TXT answer is cut at 4 KiB), so JSON lines keep it whole.
export const FIELD_MAX_CHARS = 4096;

/** Marks a value that was cut to its limit. */
export const TRUNCATION_MARK = '…';

/** Unpaired UTF-16 surrogates (what invalid UTF-8 decodes into when it was not already U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** C0 controls, DEL, C1 controls and the Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/** Replaces unpaired surrogates with U+FFFD so the UTF-8 encoding is well formed. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Replaces every control character (C0, DEL, C1, U+2028/2029) with `replacement`. */
export function replaceControls(s: string, replacement: string): string {
  return s.replace(CONTROL, replacement);
}

/** Cuts `s` to at most `max` code units (mark included) without splitting a surrogate pair. */
export function capChars(s: string, max: number = FIELD_MAX_CHARS): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - TRUNCATION_MARK.length);
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1;
  return s.slice(0, end) + TRUNCATION_MARK;
}

/** Well-formed, capped, controls replaced by `replacement` (default U+FFFD): the base of text formats. */
export function cleanText(s: string, max: number = FIELD_MAX_CHARS, replacement = '\uFFFD'): string {
  return capChars(replaceControls(wellFormed(s), replacement), max);
}

/** Keeps only printable US-ASCII (33–126), as RFC 5424 header fields demand; `-` when nothing is left. */
export function printAscii(s: string, max: number): string {
  let out = '';
  for (let i = 0; i < s.length && out.length < max; i++) {
    const c = s.charCodeAt(i);
    if (c >= 33 && c <= 126) out += s[i];
  }
  return out === '' ? '-' : out;
}

const JSON_UNSAFE = /[\u007F-\u009F\u2028\u2029]/g;

/**
 * JSON text of a value on one line: strings well formed and capped at FIELD_MAX_CHARS, and DEL, C1
 * controls and U+2028/2029 written as `\u` + four hex digits (JSON.stringify already escapes C0 controls), so the
 * result never holds a raw control character or newline.
 */
export function safeJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? capChars(wellFormed(v)) : v));
  return (text ?? 'null').replace(JSON_UNSAFE, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
