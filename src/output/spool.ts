import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A disk spool: append-only segment files of length-prefixed records, read back in order, deleted
 * when every record in them has been acknowledged. Record: u32 BE payload length, u8 flags (bit 0:
 * alert), payload. The read position of the oldest segment is saved in `head` so a restart does not
 * resend what was delivered (saved every HEAD_SAVE_EVERY acks and at close; after a crash up to that
 * many records may be sent twice). Bound: `maxBytes` of segment files. When an append would pass it,
 * the oldest segments not being read are rewritten without their non-alert records (counted as
 * `spool_full`); when only alerts are left the new record is refused (`spool_full_alert` or `spool_full`).
 * No fsync: the spool survives a process crash, not a power cut.
 */
export interface Spool {
  /** appends one record; returns a drop reason when it was refused */
  append(payload: Buffer, alert: boolean): string | undefined;
  /** up to maxRecords unacknowledged records from the head, oldest first (not consumed) */
  peek(maxRecords: number, maxBytes: number): Buffer[];
  /** consumes n records from the head (after they were written) */
  ack(n: number): void;
  count(): number;
  bytes(): number;
  close(): void;
}

export interface SpoolOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
}

/** Acks between two saves of the head position. */
export const HEAD_SAVE_EVERY = 1000;
const REC_HEADER = 5;
const SEG_RE = /^seg-(\d{10})\.spool$/;

interface Segment {
  readonly seq: number;
  readonly path: string;
  size: number;
  alerts: number;
  others: number;
  /** open for appends (only the tail) */
  fd: number | undefined;
}

/** Opens (and recovers) a spool directory; throws a clear Error when it cannot be created. */
export function openSpool(opts: SpoolOptions, onEvent: (what: string, n: number) => void): Spool {
  try {
    mkdirSync(opts.dir, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create spool directory ${opts.dir}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const segs: Segment[] = [];
  let total = 0;
  let records = 0;
  // head: the oldest segment loaded in memory and the offset of its next unacknowledged record
  let headData: Buffer | undefined;
  let headPos = 0;
  let acksSinceSave = 0;
  const headFile = join(opts.dir, 'head');

  const segPath = (seq: number): string => join(opts.dir, `seg-${String(seq).padStart(10, '0')}.spool`);

  /** walks records of a buffer from `pos`: [offset, length, flags] until the end or a torn record */
  function* walk(buf: Buffer, pos: number): Generator<[number, number, number]> {
    while (pos + REC_HEADER <= buf.length) {
      const len = buf.readUInt32BE(pos);
      if (pos + REC_HEADER + len > buf.length) { onEvent('spool.torn_record', 1); return; }
      yield [pos, len, buf.readUInt8(pos + 4)];
      pos += REC_HEADER + len;
    }
  }

  // recover what a previous run left behind
  let startPos = 0;
  let startSeq = -1;
  try {
    const h = readFileSync(headFile, 'utf8').split(' ');
    startSeq = Number(h[0]); startPos = Number(h[1]);
  } catch { /* no saved head */ }
  for (const name of readdirSync(opts.dir).sort()) {
    const m = SEG_RE.exec(name);
    if (!m) continue;
    const seq = Number(m[1]);
    const data = readFileSync(join(opts.dir, name));
    const seg: Segment = { seq, path: join(opts.dir, name), size: data.length, alerts: 0, others: 0, fd: undefined };
    const from = seq === startSeq && segs.length === 0 ? startPos : 0;
    for (const [, , flags] of walk(data, from)) { if (flags & 1) seg.alerts++; else seg.others++; }
    if (seg.alerts + seg.others === 0) { rmSync(seg.path, { force: true }); continue; }
    if (segs.length === 0) { headData = data; headPos = from; }
    segs.push(seg);
    total += seg.size;
    records += seg.alerts + seg.others;
  }
  if (records > 0) onEvent('spool.recovered', records);
  let nextSeq = (segs.at(-1)?.seq ?? 0) + 1;

  function sealTail(): void {
    const t = segs.at(-1);
    if (t?.fd !== undefined) { closeSync(t.fd); t.fd = undefined; }
  }

  function loadHead(): void {
    if (headData !== undefined || segs.length === 0) return;
    const h = segs[0] as Segment;
    if (h.fd !== undefined) sealTail();
    headData = readFileSync(h.path);
    headPos = 0;
  }

  /** the head segment is fully acknowledged: delete it and load the next one */
  function finishHead(): void {
    const h = segs.shift();
    if (h !== undefined) { rmSync(h.path, { force: true }); total -= h.size; }
    headData = undefined;
    headPos = 0;
    saveHead();
    loadHead();
  }

  function saveHead(): void {
    const h = segs[0];
    try {
      if (h === undefined) rmSync(headFile, { force: true });
      else writeFileSync(headFile, `${h.seq} ${headPos}`);
    } catch { onEvent('spool.head_save_error', 1); }
    acksSinceSave = 0;
  }

  /** rewrites the oldest non-head segment holding non-alerts, keeping its alerts; false when none */
  function compactOne(): boolean {
    for (let i = headData !== undefined ? 1 : 0; i < segs.length; i++) {
      const s = segs[i] as Segment;
      if (s.others === 0) continue;
      if (s.fd !== undefined) sealTail();
      const data = readFileSync(s.path);
      const kept: Buffer[] = [];
      for (const [off, len, flags] of walk(data, 0)) if (flags & 1) kept.push(data.subarray(off, off + REC_HEADER + len));
      const out = Buffer.concat(kept);
      onEvent('spool_full', s.others);
      if (out.length === 0) {
        rmSync(s.path, { force: true });
        segs.splice(i, 1);
        total -= s.size;
        records -= s.others;
        return true;
      }
      const tmp = s.path + '.tmp';
      writeFileSync(tmp, out);
      renameSync(tmp, s.path);
      total -= s.size - out.length;
      records -= s.others;
      s.size = out.length;
      s.others = 0;
      return true;
    }
    return false;
  }

  return {
    append(payload, alert) {
      const need = REC_HEADER + payload.length;
      while (total + need > opts.maxBytes) {
        if (!compactOne()) return alert ? 'spool_full_alert' : 'spool_full';
      }
      let t = segs.at(-1);
      if (t === undefined || t.fd === undefined || t.size + need > opts.segmentBytes) {
        sealTail();
        const seq = nextSeq++;
        t = { seq, path: segPath(seq), size: 0, alerts: 0, others: 0, fd: openSync(segPath(seq), 'a') };
        segs.push(t);
      }
      const head = Buffer.allocUnsafe(REC_HEADER);
      head.writeUInt32BE(payload.length, 0);
      head.writeUInt8(alert ? 1 : 0, 4);
      try {
        writeSync(t.fd as number, Buffer.concat([head, payload]));
      } catch {
        return 'spool_io_error';
      }
      t.size += need;
      total += need;
      records += 1;
      if (alert) t.alerts++; else t.others++;
      return undefined;
    },
    peek(maxRecords, maxBytes) {
      const out: Buffer[] = [];
      let bytes = 0;
      loadHead();
      while (headData !== undefined && headPos >= headData.length) finishHead();
      if (headData === undefined) return out;
      for (const [off, len] of walk(headData, headPos)) {
        if (out.length >= maxRecords || (out.length > 0 && bytes + len > maxBytes)) break;
        out.push(headData.subarray(off + REC_HEADER, off + REC_HEADER + len));
        bytes += len;
      }
      return out;
    },
    ack(n) {
      for (let i = 0; i < n && headData !== undefined; i++) {
        const h = segs[0] as Segment;
        const len = headData.readUInt32BE(headPos);
        if (headData.readUInt8(headPos + 4) & 1) h.alerts--; else h.others--;
        headPos += REC_HEADER + len;
        records -= 1;
        if (headPos >= headData.length) finishHead();
      }
      acksSinceSave += n;
      if (acksSinceSave >= HEAD_SAVE_EVERY) saveHead();
    },
    count: () => records,
    bytes: () => total,
    close() {
      sealTail();
      saveHead();
    },
  };
}
