import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RawFrame } from '../../src/core/types.js';
import { readCapture } from '../../src/ingest/capture.js';
import { readCaptureStream } from '../../src/ingest/pcap-stream.js';
import { pcapBytes, tempFile, type Rec } from './fixtures.js';

interface Seen {
  ts: number;
  linkType: number;
  data: number[];
  origLen: number;
}

function collector(): { seen: Seen[]; on: (f: RawFrame) => void } {
  const seen: Seen[] = [];
  return { seen, on: (f) => seen.push({ ts: f.ts, linkType: f.linkType, data: [...f.data], origLen: f.origLen }) };
}

const RECS: Rec[] = [
  { sec: 1_700_000_000, frac: 123_456, data: [0xde, 0xad, 0xbe, 0xef] },
  { sec: 1_700_000_001, frac: 999_999, data: [1, 2, 3], origLen: 1500 }, // snaplen-cut: 3 of 1500 bytes
];

describe('classic pcap file reader', () => {
  for (const little of [true, false]) {
    it(`reads µs pcap, ${little ? 'little' : 'big'}-endian`, async () => {
      const c = collector();
      const r = await readCapture(tempFile('a.pcap', pcapBytes(RECS, { little, linkType: 113 })), c.on);
      expect(r.error).toBeUndefined();
      expect(r.format).toBe('pcap');
      expect(r.frames).toBe(2);
      expect(c.seen[0]).toEqual({ ts: 1_700_000_000_123_456, linkType: 113, data: [0xde, 0xad, 0xbe, 0xef], origLen: 4 });
      expect(c.seen[1]).toEqual({ ts: 1_700_000_001_999_999, linkType: 113, data: [1, 2, 3], origLen: 1500 });
    });
    it(`reads ns pcap, ${little ? 'little' : 'big'}-endian, rounding down to µs`, async () => {
      const c = collector();
      const recs = [{ sec: 10, frac: 123_456_789, data: [9] }];
      const r = await readCapture(tempFile('n.pcap', pcapBytes(recs, { little, nanos: true })), c.on);
      expect(r.format).toBe('pcap-nsec');
      expect(c.seen[0]?.ts).toBe(10_123_456);
    });
  }

  it('handles records straddling chunk edges (tiny chunks)', async () => {
    const recs: Rec[] = [];
    for (let i = 0; i < 50; i++) recs.push({ sec: i, frac: i, data: Array.from({ length: (i * 7) % 41 }, (_, k) => (k + i) & 0xff) });
    const path = tempFile('s.pcap', pcapBytes(recs));
    const big = collector();
    const small = collector();
    await readCapture(path, big.on);
    const r = await readCapture(path, small.on, { chunkBytes: 64 });
    expect(r.frames).toBe(50);
    expect(small.seen).toEqual(big.seen);
  });

  it('grows the buffer for a record larger than the chunk', async () => {
    const data = Array.from({ length: 5000 }, (_, k) => k & 0xff);
    const c = collector();
    const r = await readCapture(tempFile('g.pcap', pcapBytes([{ sec: 1, frac: 0, data }])), c.on, { chunkBytes: 100 });
    expect(r.error).toBeUndefined();
    expect(c.seen[0]?.data).toEqual(data);
  });

  it('a truncated file yields every complete record, then the offset of the cut one', async () => {
    const bytes = pcapBytes(RECS);
    const c = collector();
    const r = await readCapture(tempFile('t.pcap', bytes.subarray(0, bytes.length - 2)), c.on);
    expect(r.frames).toBe(1);
    expect(r.error?.offset).toBe(24 + 16 + 4); // second record header starts after file header + first record
    expect(r.error?.message).toMatch(/truncated/);
  });

  it('a corrupt captured length stops with the record offset', async () => {
    const bytes = pcapBytes(RECS);
    bytes.writeUInt32LE(0x7fffffff, 24 + 20 + 8); // second record's captured length
    const r = await readCapture(tempFile('c.pcap', bytes), () => {});
    expect(r.frames).toBe(1);
    expect(r.error).toMatchObject({ offset: 44, message: expect.stringMatching(/captured length 2147483647/) });
  });

  it('a header-only file is 0 frames and no error', async () => {
    const r = await readCapture(tempFile('h.pcap', pcapBytes([])), () => {});
    expect(r).toEqual({ frames: 0, bytes: 24, format: 'pcap' });
  });

  it('empty, missing, non-capture and gzip files are clear errors', async () => {
    const empty = await readCapture(tempFile('e.pcap', new Uint8Array(0)), () => {});
    expect(empty.error?.message).toMatch(/empty \(0 bytes\)/);
    const missing = await readCapture('/nonexistent/x.pcap', () => {});
    expect(missing.error?.message).toBe('cannot open /nonexistent/x.pcap: no such file');
    const text = await readCapture(tempFile('x.pcap', Buffer.from('hello world, not a capture')), () => {});
    expect(text.error?.message).toMatch(/not a pcap or pcapng capture \(magic 68656c6c\)/);
    const gz = await readCapture(tempFile('z.pcap', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])), () => {});
    expect(gz.error?.message).toMatch(/gzip/);
  });
});

describe('classic pcap stream reader (pcap-parser and builtin)', () => {
  for (const engine of ['pcap-parser', 'builtin'] as const) {
    for (const nanos of [false, true]) {
      it(`${engine}: ${nanos ? 'ns' : 'µs'} big-endian stream in 3-byte chunks`, async () => {
        const bytes = pcapBytes(RECS.map((r) => ({ ...r, frac: nanos ? r.frac * 1000 + 999 : r.frac })), { little: false, nanos });
        const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
        const c = collector();
        const r = await readCaptureStream(Readable.from(chunks), 'stdin', c.on, { engine });
        expect(r.error).toBeUndefined();
        expect(r.format).toBe(nanos ? 'pcap-nsec' : 'pcap');
        expect(c.seen.map((s) => s.ts)).toEqual([1_700_000_000_123_456, 1_700_000_001_999_999]);
        expect(c.seen[1]?.data).toEqual([1, 2, 3]);
      });
    }
    it(`${engine}: reports a cut-short last record and a corrupt length`, async () => {
      const bytes = pcapBytes(RECS);
      const cut = await readCaptureStream(Readable.from([bytes.subarray(0, bytes.length - 1)]), 'stdin', () => {}, { engine });
      expect(cut.frames).toBe(1);
      expect(cut.error?.offset).toBe(44);
      const bad = Buffer.from(bytes);
      bad.writeUInt32LE(0xffffff00, 24 + 20 + 8);
      const corrupt = await readCaptureStream(Readable.from([bad]), 'stdin', () => {}, { engine });
      expect(corrupt.frames).toBe(1);
      expect(corrupt.error?.message).toMatch(/exceeds the maximum/);
    });
  }
  it('an empty stream is an error', async () => {
    const r = await readCaptureStream(Readable.from([]), 'stdin', () => {});
    expect(r.error?.message).toMatch(/empty/);
  });
});
