import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes lines to a file descriptor (a file or stdout) in batches with synchronous writes.
 * - `wait`: when the reader is slow (a full pipe), the write waits for it, like any Unix filter;
 *   memory stays bounded by `batchBytes`. Right for replay.
 * - `drop`: never waits; unwritten bytes stay queued up to `maxQueueBytes`, past that lines are
 *   dropped and counted (`queue_full`). Right for live capture.
 * EPIPE (the reader went away, e.g. `| head`) marks the writer broken: later lines are counted as
 * `epipe` drops, nothing is thrown. Files rotate by size at line boundaries: `path` → `path.1` … `path.keep`.
 */
export interface LineWriterOptions {
  /** file to append to; stdout (fd 1) when absent */
  readonly path?: string;
  /** rotate when the file would grow past this many bytes (absent or 0: never) */
  readonly rotateBytes?: number;
  /** rotated files kept (default 5) */
  readonly keep?: number;
  readonly onFull: 'wait' | 'drop';
  /** bound of unwritten bytes held in memory (drop mode) */
  readonly maxQueueBytes: number;
  /** bytes gathered before one write() call */
  readonly batchBytes: number;
}

export interface LineWriter {
  /** queue one line (without its newline); returns a drop reason when the line was not taken */
  push(line: string): string | undefined;
  /** write what is queued; in drop mode retries until `deadline` (ms since epoch) */
  flushNow(deadline: number): Promise<void>;
  close(deadline: number): Promise<void>;
  readonly written: () => number;
  readonly queuedLines: () => number;
  readonly broken: () => boolean;
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const RETRY_MS = 10;

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'unknown';
}

/** Opens the writer; throws a clear Error when the file cannot be opened (a start-up error). */
export function createLineWriter(opts: LineWriterOptions, onDrop: (reason: string, lines: number) => void): LineWriter {
  const path = opts.path;
  const keep = opts.keep ?? 5;
  let fd = path === undefined ? 1 : openFile(path);
  let fileSize = path === undefined ? 0 : fstatSync(fd).size;
  // Lines wait as text and are encoded once per batch (one Buffer per write, not one per line);
  // `rest` holds the unwritten tail of a partial write (drop mode), written before the text.
  let text = '';
  let rest: Buffer | undefined;
  let queuedBytes = 0;
  let queuedLines = 0;
  let written = 0;
  let isBroken = false;
  let closed = false;
  let scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;

  function openFile(p: string): number {
    try {
      return openSync(p, 'a');
    } catch (e) {
      throw new Error(`cannot open output file ${p}: ${errCode(e)}`);
    }
  }

  function rotate(): void {
    if (path === undefined) return;
    try {
      closeSync(fd);
      rmSync(`${path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) {
        try { renameSync(`${path}.${i}`, `${path}.${i + 1}`); } catch { /* a gap in the series is fine */ }
      }
      if (keep >= 1) renameSync(path, `${path}.1`);
      else rmSync(path, { force: true });
    } catch {
      onDrop('rotate_error', 0);
    }
    fd = openFile(path);
    fileSize = 0;
  }

  /** writes the queue; returns false when bytes remain (EAGAIN in drop mode) */
  function drain(): boolean {
    if (queuedBytes === 0) return true;
    const fresh = Buffer.from(text, 'utf8');
    const buf = rest === undefined ? fresh : text === '' ? rest : Buffer.concat([rest, fresh]);
    text = '';
    rest = undefined;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(fd, buf, off, buf.length - off);
      } catch (e) {
        const code = errCode(e);
        if (code === 'EAGAIN') {
          if (opts.onFull === 'wait') { Atomics.wait(SLEEP, 0, 0, 1); continue; }
          rest = buf.subarray(off);
          queuedBytes = buf.length - off;
          return false;
        }
        const reason = code === 'EPIPE' ? 'epipe' : 'io_error';
        if (code === 'EPIPE') isBroken = true;
        onDrop(reason, queuedLines);
        queuedBytes = 0; queuedLines = 0;
        return true;
      }
    }
    fileSize += buf.length;
    written += queuedLines;
    queuedBytes = 0; queuedLines = 0;
    return true;
  }

  function schedule(delayMs: number): void {
    if (scheduled !== undefined) return;
    const run = (): void => {
      scheduled = undefined;
      if (!drain()) schedule(RETRY_MS);
    };
    scheduled = delayMs === 0 ? setImmediate(run) : setTimeout(run, delayMs);
  }

  function cancel(): void {
    if (scheduled === undefined) return;
    clearImmediate(scheduled as NodeJS.Immediate);
    clearTimeout(scheduled as NodeJS.Timeout);
    scheduled = undefined;
  }

  async function flushNow(deadline: number): Promise<void> {
    cancel();
    while (!drain() && Date.now() < deadline) await new Promise((r) => setTimeout(r, RETRY_MS));
    if (queuedLines > 0) { onDrop('shutdown_timeout', queuedLines); text = ''; rest = undefined; queuedBytes = 0; queuedLines = 0; }
  }

  return {
    push(line) {
      if (closed) return 'closed';
      if (isBroken) return 'epipe';
      const bytes = Buffer.byteLength(line, 'utf8') + 1;
      if (opts.rotateBytes && fileSize + queuedBytes + bytes > opts.rotateBytes && fileSize + queuedBytes > 0) {
        drain();
        if (queuedBytes === 0) rotate();
      }
      if (queuedBytes + bytes > opts.maxQueueBytes && !drain() && queuedBytes + bytes > opts.maxQueueBytes) return 'queue_full';
      if (isBroken) return 'epipe';
      text += line + '\n';
      queuedBytes += bytes;
      queuedLines += 1;
      if (queuedBytes >= opts.batchBytes) {
        if (!drain()) schedule(RETRY_MS);
      } else schedule(0);
      return undefined;
    },
    flushNow,
    async close(deadline) {
      await flushNow(deadline);
      if (path !== undefined) { try { closeSync(fd); } catch { /* already closed */ } }
      closed = true;
    },
    written: () => written,
    queuedLines: () => queuedLines,
    broken: () => isBroken,
  };
}
