/**
 * Allocation-free parsers for IP address text, used on the lookup path of CidrSet. Strings come off
 * the wire (DNS answers, NetFlow, config), so every malformed form returns a failure, never throws.
 */

/**
 * Parses dotted-quad IPv4 text to an unsigned 32-bit number.
 * @returns the address (0..2^32-1), or -1 when the text is not a plain dotted quad (no leading zeros
 * beyond a single `0`, exactly four parts, each 0..255)
 */
export function parseIPv4(s: string, from = 0, to = s.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  let leadingZero = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (leadingZero) return -1;
      if (digits === 0 && c === 48) leadingZero = true;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || parts === 3) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (digits === 0 || parts !== 3) return -1;
  return value * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

// Scratch space for the 8 groups of one IPv6 address; parsing is synchronous, so one is enough.
const groups = new Uint16Array(8);

/**
 * Parses IPv6 text (RFC 4291 forms, `::` compression, embedded dotted quad; no zone id) into four
 * big-endian 32-bit words written to `out[0..3]`.
 * @returns true when the text was a valid IPv6 address
 */
export function parseIPv6(s: string, out: Uint32Array): boolean {
  const n = s.length;
  if (n < 2 || n > 45) return false;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === n) {
      out.fill(0);
      return true;
    }
  }
  while (i < n) {
    if (count === 8) return false;
    // a group is hex digits up to ':' or end; a '.' means an embedded IPv4 tail
    let j = i;
    let v = 0;
    while (j < n) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j < n && s.charCodeAt(j) === 46) {
      if (count > 6) return false;
      const v4 = parseIPv4(s, i, n);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = n;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups[count++] = v;
    if (j === n) {
      i = n;
      break;
    }
    if (s.charCodeAt(j) !== 58) return false;
    j++;
    if (j < n && s.charCodeAt(j) === 58) {
      if (gap >= 0) return false;
      gap = count;
      j++;
      if (j === n) {
        i = n;
        break;
      }
    } else if (j === n) {
      return false;
    }
    i = j;
  }
  if (gap < 0 && count !== 8) return false;
  if (gap >= 0 && count > 7) return false;
  const zeros = 8 - count;
  let w = 0;
  let src = 0;
  for (let g = 0; g < 8; g++) {
    let val = 0;
    if (gap >= 0 && g >= gap && g < gap + zeros) val = 0;
    else val = groups[src++] ?? 0;
    if ((g & 1) === 0) w = val * 65536;
    else out[g >> 1] = w + val;
  }
  return true;
}

/** Result kinds of {@link parseIp}: 4 = IPv4 in `v4`, 6 = IPv6 in `v6`, 0 = not an address. */
export type IpKind = 0 | 4 | 6;

/** Scratch result of {@link parseIp}; read it before the next call. */
export interface ParsedIp {
  kind: IpKind;
  v4: number;
  readonly v6: Uint32Array;
}

/**
 * Parses IPv4 or IPv6 text into `into` without allocating. An IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`) is returned as IPv4, so a flow seen over a dual-stack socket matches v4 prefixes.
 */
export function parseIp(s: string, into: ParsedIp): IpKind {
  if (s.indexOf(':') < 0) {
    const v = parseIPv4(s);
    into.v4 = v;
    into.kind = v < 0 ? 0 : 4;
    return into.kind;
  }
  if (!parseIPv6(s, into.v6)) {
    into.kind = 0;
    return 0;
  }
  if (into.v6[0] === 0 && into.v6[1] === 0 && into.v6[2] === 0xffff) {
    into.v4 = into.v6[3] ?? 0;
    into.kind = 4;
    return 4;
  }
  into.kind = 6;
  return 6;
}

/** A fresh scratch object for {@link parseIp}. */
export function newParsedIp(): ParsedIp {
  return { kind: 0, v4: 0, v6: new Uint32Array(4) };
}
