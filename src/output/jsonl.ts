import type { SensorEvent } from '../core/types.js';
import { toEcs } from './ecs.js';
import { ecsLine } from './ecs-text.js';
import { matchFilter, type EventFilter } from './filter.js';
import { FIELD_MAX_CHARS, safeJson } from './format/sanitize.js';
import { createLineWriter } from './line-writer.js';
import { createDropTally, type Sink } from './sink.js';

/** Default bound of unwritten bytes a JSON-lines sink holds in memory (drop mode), 16 MiB. */
export const JSONL_MAX_QUEUE_BYTES = 16 * 1024 * 1024;
/** Bytes gathered before one write() call, 64 KiB. */
export const JSONL_BATCH_BYTES = 64 * 1024;

/** Options of a JSON-lines sink. */
export interface JsonlOptions {
  /** file to append to; stdout when absent */
  readonly path?: string;
  /** rotate the file when it would pass this size in bytes (absent/0: never) */
  readonly rotateBytes?: number;
  /** rotated files kept: path.1 … path.keep (default 5) */
  readonly keep?: number;
  readonly filter?: EventFilter;
  /**
   * What a slow reader does: `wait` (default; replay: the write waits for the pipe/disk, nothing is
   * dropped) or `drop` (live capture: never wait, drop and count past `maxQueueBytes`).
   */
  readonly onFull?: 'wait' | 'drop';
  /** bound of unwritten bytes in memory in drop mode (default JSONL_MAX_QUEUE_BYTES) */
  readonly maxQueueBytes?: number;
  /** called once per drop reason occurrence, e.g. to feed shared counters */
  readonly onDrop?: (reason: string, n: number) => void;
}

// JSON.stringify without a replacer is several times faster than safeJson's, and gives the same text
// when safeJson's replacer would change nothing: no string longer than the cap (a whole text within
// cap + 2 quotes cannot hold one) and no lone surrogate (which plain stringify writes as a \ud800–\udfff
// escape, so any such escape sends the document down the slow path).
const LONE_SURROGATE_ESCAPE = /\\ud[89a-f]/;
const JSON_UNSAFE = /[\u007F-\u009F\u2028\u2029]/g;
// either of the two above: one scan of the text settles the usual line
const SUSPECT = /\\ud[89a-f]|[\u007F-\u009F\u2028\u2029]/;

function jsonLine(doc: unknown): string {
  const text = JSON.stringify(doc);
  if (text.length > FIELD_MAX_CHARS + 2) return safeJson(doc);
  if (!SUSPECT.test(text)) return text;
  if (LONE_SURROGATE_ESCAPE.test(text)) return safeJson(doc);
  JSON_UNSAFE.lastIndex = 0;
  if (!JSON_UNSAFE.test(text)) return text;
  return text.replace(JSON_UNSAFE, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * A sink that writes one ECS JSON document per line to a file or stdout. Strings are made well-formed,
 * capped and control characters escaped (safeJson), so a line never contains a raw newline.
 * Throws a clear Error at creation when the file cannot be opened.
 */
export function createJsonlSink(opts: JsonlOptions, observerName: string): Sink {
  const drops = createDropTally(opts.onDrop);
  const writer = createLineWriter(
    {
      ...(opts.path !== undefined ? { path: opts.path } : {}),
      ...(opts.rotateBytes !== undefined ? { rotateBytes: opts.rotateBytes } : {}),
      ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
      onFull: opts.onFull ?? 'wait',
      maxQueueBytes: opts.maxQueueBytes ?? JSONL_MAX_QUEUE_BYTES,
      batchBytes: JSONL_BATCH_BYTES,
    },
    (reason, n) => { if (n > 0) drops.add(reason, n); },
  );
  return {
    name: opts.path === undefined ? 'jsonl:stdout' : `jsonl:${opts.path}`,
    write(ev: SensorEvent) {
      if (!matchFilter(opts.filter, ev)) return;
      let line: string;
      try {
        // the common events are written directly (same text); the rest build the document
        line = ecsLine(ev, observerName) ?? jsonLine(toEcs(ev, observerName));
      } catch {
        drops.add('format_error');
        return;
      }
      const dropped = writer.push(line);
      if (dropped !== undefined) drops.add(dropped);
    },
    async close(timeoutMs: number) {
      try {
        await writer.close(Date.now() + timeoutMs);
      } catch {
        drops.add('close_error');
      }
    },
    stats: () => ({ written: writer.written(), queued: writer.queuedLines(), spooled: 0, dropped: drops.record() }),
  };
}
