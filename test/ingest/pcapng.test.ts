import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/core/counters.js';
import type { RawFrame } from '../../src/core/types.js';
import { readCapture } from '../../src/ingest/capture.js';
import { readCaptureStream } from '../../src/ingest/pcap-stream.js';
import { block, epb, idb, shb, spb, tempFile } from './fixtures.js';

interface Seen {
  ts: number;
  linkType: number;
  iface: number;
  data: number[];
  origLen: number;
}

function collect(): { seen: Seen[]; on: (f: RawFrame) => void } {
  const seen: Seen[] = [];
  return { seen, on: (f) => seen.push({ ts: f.ts, linkType: f.linkType, iface: f.interfaceId, data: [...f.data], origLen: f.origLen }) };
}

const T_US = 1_700_000_000_000_000n; // µs since epoch

describe('pcapng reader', () => {
  it('reads several interfaces with their own link types and timestamp resolutions', async () => {
    const bytes = Buffer.concat([
      shb(),
      idb(1, 65535), // iface 0: Ethernet, µs (no if_tsresol)
      idb(113, 0, { tsresol: 9 }), // iface 1: Linux SLL, ns
      idb(101, 0, { tsresol: 0x80 | 20, tsoffset: 100 }), // iface 2: raw IP, 2^-20 s units, +100 s
      block(5, Buffer.alloc(8)), // Interface Statistics Block: skipped
      epb(0, T_US + 7n, [1, 2, 3]),
      epb(1, T_US * 1000n + 999n, [4, 5], true, 60),
      epb(2, 3n << 20n, [6]), // 3 s after epoch + 100 s offset
      block(0xbad, Buffer.alloc(4)), // unknown block type: skipped
    ]);
    const c = collect();
    const r = await readCapture(tempFile('multi.pcapng', bytes), c.on);
    expect(r.error).toBeUndefined();
    expect(r.format).toBe('pcapng');
    expect(c.seen).toEqual([
      { ts: Number(T_US) + 7, linkType: 1, iface: 0, data: [1, 2, 3], origLen: 3 },
      { ts: Number(T_US), linkType: 113, iface: 1, data: [4, 5], origLen: 60 },
      { ts: 103_000_000, linkType: 101, iface: 2, data: [6], origLen: 1 },
    ]);
  });

  it('reads sections of both byte orders; a new section resets interfaces', async () => {
    const bytes = Buffer.concat([
      shb(true),
      idb(1, 0),
      epb(0, 5n, [0xaa]),
      shb(false), // big-endian section
      idb(228, 0, { little: false, tsresol: 3 }), // milliseconds
      epb(0, 2n, [0xbb], false),
    ]);
    const c = collect();
    const r = await readCapture(tempFile('two.pcapng', bytes), c.on);
    expect(r.error).toBeUndefined();
    expect(c.seen.map((s) => [s.linkType, s.ts, s.data[0]])).toEqual([
      [1, 5, 0xaa],
      [228, 2000, 0xbb],
    ]);
  });

  it('Simple Packet Blocks use interface 0 and its snaplen', async () => {
    const bytes = Buffer.concat([shb(), idb(1, 4), epb(0, 42n, [1]), spb([1, 2, 3, 4, 5, 6], 6)]);
    const c = collect();
    await readCapture(tempFile('spb.pcapng', bytes), c.on);
    expect(c.seen[1]).toEqual({ ts: 42, linkType: 1, iface: 0, data: [1, 2, 3, 4], origLen: 6 });
  });

  it('counts a packet for an undeclared interface and goes on', async () => {
    const counters = createCounters();
    const bytes = Buffer.concat([shb(), idb(1, 0), epb(3, 1n, [1]), epb(0, 1n, [2])]);
    const r = await readCapture(tempFile('u.pcapng', bytes), () => {}, { counters });
    expect(r.frames).toBe(1);
    expect(counters.get('pcapng.unknown_interface')).toBe(1);
  });

  it('a bad trailing length is a corrupt block at its offset, after the good frames', async () => {
    const good = Buffer.concat([shb(), idb(1, 0), epb(0, 1n, [1])]);
    const bad = epb(0, 2n, [2]);
    bad.writeUInt32LE(999, bad.length - 4);
    const r = await readCapture(tempFile('b.pcapng', Buffer.concat([good, bad])), () => {});
    expect(r.frames).toBe(1);
    expect(r.error).toMatchObject({ offset: good.length, message: expect.stringMatching(/trailing length/) });
  });

  it('a truncated block is reported with its offset', async () => {
    const bytes = Buffer.concat([shb(), idb(1, 0), epb(0, 1n, [1, 2, 3, 4, 5, 6, 7, 8])]);
    const r = await readCapture(tempFile('t.pcapng', bytes.subarray(0, bytes.length - 5)), () => {});
    expect(r.frames).toBe(0);
    expect(r.error?.offset).toBe(shb().length + idb(1, 0).length);
  });

  it('sniffs the magic, not the name: .pcap holding pcapng', async () => {
    const r = await readCapture(tempFile('misnamed.pcap', Buffer.concat([shb(), idb(1, 0), epb(0, 1n, [1])])), () => {});
    expect(r).toMatchObject({ format: 'pcapng', frames: 1 });
  });

  it('reads pcapng from a stream in small chunks', async () => {
    const bytes = Buffer.concat([shb(), idb(1, 0, { tsresol: 9 }), epb(0, 1_000_000_123n, [7, 7]), epb(0, 2_000_000_000n, [8])]);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) => bytes.subarray(i * 5, i * 5 + 5));
    const c = collect();
    const r = await readCaptureStream(Readable.from(chunks), 'stdin', c.on);
    expect(r.error).toBeUndefined();
    expect(c.seen.map((s) => s.ts)).toEqual([1_000_000, 2_000_000]);
  });
});
