/**
 * A small MaxMind DB (format 2.0) writer: enough for the embedded ASN database (an IPv6 tree with
 * IPv4 under ::/96, 24-bit records, maps of strings and unsigned integers). No maintained npm writer
 * exists; Debian's Perl writer would tie every build to a Perl toolchain. Output is deterministic:
 * same records and metadata in, same bytes out. Read it back with `maxmind` or `mmdblookup`.
 */

/** A value the writer can encode (the subset of the MaxMind DB data types the sensor uses). */
export type MmdbValue = string | number | boolean | MmdbUint | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

/** An unsigned integer with an explicit width (readers such as libmaxminddb check metadata types). */
export interface MmdbUint {
  readonly uint: 16 | 32 | 64;
  readonly value: number;
}

/** Tags `value` as an unsigned integer of `bits` width. */
export function uint(bits: 16 | 32 | 64, value: number): MmdbUint {
  return { uint: bits, value };
}

function isUint(v: MmdbValue): v is MmdbUint {
  return typeof v === 'object' && !Array.isArray(v) && typeof (v as { uint?: unknown }).uint === 'number' && Object.keys(v).length === 2;
}

/** One record to write: a prefix (already validated) and its data. */
export interface MmdbRecord {
  readonly version: 4 | 6;
  /** first address of the prefix */
  readonly start: bigint;
  readonly length: number;
  readonly data: { readonly [key: string]: MmdbValue };
}

export interface MmdbMetadataInput {
  readonly databaseType: string;
  readonly description: string;
  /** seconds since the epoch; pass a date from the source data, not the clock, to stay deterministic */
  readonly buildEpoch: number;
}

const RECORD_SIZE = 24;
const MAX_RECORD = 2 ** 24 - 1;
const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');

type Child = Node | { data: number } | undefined;
interface Node {
  left: Child;
  right: Child;
  id: number;
}

function isNode(c: Child): c is Node {
  return c !== undefined && 'left' in c;
}

function controlBytes(type: number, size: number): number[] {
  const out: number[] = [];
  const typeBits = type <= 7 ? type << 5 : 0;
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65821) {
    sizeBits = 30;
    const v = size - 285;
    extra.push(v >> 8, v & 255);
  } else {
    sizeBits = 31;
    const v = size - 65821;
    extra.push((v >> 16) & 255, (v >> 8) & 255, v & 255);
  }
  out.push(typeBits | sizeBits);
  if (type > 7) out.push(type - 7);
  return out.concat(extra);
}

function uintBytes(v: number | bigint): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  while (x > 0n) {
    out.unshift(Number(x & 255n));
    x >>= 8n;
  }
  return out;
}

/** Encodes one value in the MaxMind DB data format (no pointers: the data section is small). */
export function encodeValue(v: MmdbValue): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([Buffer.from(controlBytes(2, b.length)), b]);
  }
  if (typeof v === 'boolean') return Buffer.from(controlBytes(14, v ? 1 : 0));
  if (typeof v === 'number' || isUint(v)) {
    const n = typeof v === 'number' ? v : v.value;
    const bits = typeof v === 'number' ? (n <= 0xffff ? 16 : n <= 0xffffffff ? 32 : 64) : v.uint;
    if (!Number.isInteger(n) || n < 0 || n >= 2 ** bits || n > Number.MAX_SAFE_INTEGER) {
      throw new Error(`mmdb writer: ${n} is not an unsigned ${bits}-bit integer`);
    }
    const bytes = uintBytes(n);
    const type = bits === 16 ? 5 : bits === 32 ? 6 : 9;
    return Buffer.from([...controlBytes(type, bytes.length), ...bytes]);
  }
  if (Array.isArray(v)) {
    const arr = v as readonly MmdbValue[];
    return Buffer.concat([Buffer.from(controlBytes(11, arr.length)), ...arr.map(encodeValue)]);
  }
  const obj = v as { readonly [key: string]: MmdbValue };
  // keys in sorted order so the bytes do not depend on how the object was built
  const keys = Object.keys(obj).sort();
  const parts: Buffer[] = [Buffer.from(controlBytes(7, keys.length))];
  for (const k of keys) {
    const val = obj[k];
    if (val === undefined) continue;
    parts.push(encodeValue(k), encodeValue(val));
  }
  return Buffer.concat(parts);
}

function bitAt(start: bigint, bit: number): 0 | 1 {
  return ((start >> BigInt(127 - bit)) & 1n) === 1n ? 1 : 0;
}

/**
 * Writes a MaxMind DB file image. Records may nest (a /24 inside a /16): the more specific wins inside
 * it. Two records with the same prefix are a programmer error (the source loader rejects them first).
 * @throws Error when the tree outgrows 24-bit records (about 16 M nodes; the embedded db has hundreds)
 */
export function writeMmdb(records: readonly MmdbRecord[], meta: MmdbMetadataInput): Buffer {
  // data section: each distinct record body once, in first-use order
  const dataIndex = new Map<string, number>();
  const dataParts: Buffer[] = [];
  let dataSize = 0;
  const offsetOf = (data: MmdbRecord['data']): number => {
    const body = encodeValue(data);
    const key = body.toString('hex');
    const have = dataIndex.get(key);
    if (have !== undefined) return have;
    dataIndex.set(key, dataSize);
    dataParts.push(body);
    dataSize += body.length;
    return dataSize - body.length;
  };

  const root: Node = { left: undefined, right: undefined, id: 0 };
  const sorted = [...records]
    .map((r) => ({ r, len: r.version === 4 ? r.length + 96 : r.length, start: r.start }))
    .sort((a, b) => a.len - b.len || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (const { r, len, start } of sorted) {
    const leaf = { data: offsetOf(r.data) };
    if (len === 0) throw new Error('mmdb writer: a /0 prefix is not supported');
    let node = root;
    for (let depth = 0; depth < len - 1; depth++) {
      const side = bitAt(start, depth) ? 'right' : 'left';
      const child = node[side];
      if (isNode(child)) {
        node = child;
        continue;
      }
      // a shorter prefix ends here: push its data down both sides of a new node
      const next: Node = { left: child, right: child, id: 0 };
      node[side] = next;
      node = next;
    }
    const side = bitAt(start, len - 1) ? 'right' : 'left';
    const existing = node[side];
    if (isNode(existing)) fillEmpty(existing, leaf);
    else node[side] = leaf;
  }

  // number nodes breadth-first: deterministic and the root is node 0
  const order: Node[] = [];
  const queue: Node[] = [root];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i] as Node;
    n.id = order.length;
    order.push(n);
    if (isNode(n.left)) queue.push(n.left);
    if (isNode(n.right)) queue.push(n.right);
  }
  const nodeCount = order.length;
  const recordValue = (c: Child): number => {
    if (c === undefined) return nodeCount;
    if (isNode(c)) return c.id;
    return nodeCount + 16 + c.data;
  };
  if (nodeCount + 16 + dataSize > MAX_RECORD) throw new Error('mmdb writer: too large for 24-bit records');
  const tree = Buffer.alloc(nodeCount * 6);
  for (const n of order) {
    tree.writeUIntBE(recordValue(n.left), n.id * 6, 3);
    tree.writeUIntBE(recordValue(n.right), n.id * 6 + 3, 3);
  }
  const metadata = encodeValue({
    binary_format_major_version: uint(16, 2),
    binary_format_minor_version: uint(16, 0),
    build_epoch: uint(64, meta.buildEpoch),
    database_type: meta.databaseType,
    description: { en: meta.description },
    ip_version: uint(16, 6),
    languages: ['en'],
    node_count: uint(32, nodeCount),
    record_size: uint(16, RECORD_SIZE),
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...dataParts, METADATA_MARKER, metadata]);
}

// Records are inserted shortest first, so a subtree already here can only come from a longer prefix
// inserted before this one by a caller that skipped the sort; fill its holes rather than overwrite it.
function fillEmpty(node: Node, leaf: { data: number }): void {
  for (const side of ['left', 'right'] as const) {
    const c = node[side];
    if (c === undefined) node[side] = leaf;
    else if (isNode(c)) fillEmpty(c, leaf);
  }
}
