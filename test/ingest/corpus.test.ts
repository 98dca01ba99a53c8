import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import { readCapture } from '../../src/ingest/capture.js';
import { readCaptureStream } from '../../src/ingest/pcap-stream.js';
import { createReadStream } from 'node:fs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpus = resolve(repoRoot, '../shared/corpus');
const present = existsSync(resolve(corpus, 'manifest.json'));

interface Entry {
  file: string;
  expected: { packets: number; tshark_read_error: string | null };
}

const entries: Entry[] = present ? (JSON.parse(readFileSync(resolve(corpus, 'manifest.json'), 'utf8')) as { entries: Entry[] }).entries : [];

describe.skipIf(!present)('corpus (../shared/corpus): frame counts match tshark, decoding never throws', () => {
  if (!present) console.warn(`corpus not found at ${corpus}: corpus tests skipped`);
  it('has the 124 captures', () => {
    expect(entries.length).toBe(124);
  });
  for (const e of entries) {
    it(e.file, async () => {
      const path = resolve(corpus, e.file);
      const state = createDecoderState();
      const out = createDecodedPacket();
      let decoded = 0;
      const r = await readCapture(path, (f) => {
        if (decodeFrame(f, out, state).ok) decoded++;
      });
      if (e.expected.tshark_read_error !== null) {
        // tshark's pcap reader guesses a variant record layout on one of these; we stop at the first bad record
        expect(r.error?.message).toMatch(/exceeds the maximum/);
        expect(r.frames).toBeGreaterThan(0);
        expect(r.frames).toBeLessThanOrEqual(e.expected.packets);
      } else {
        expect(r.error).toBeUndefined();
        expect(r.frames).toBe(e.expected.packets);
      }
      expect(decoded).toBeLessThanOrEqual(r.frames);
      const s = await readCaptureStream(createReadStream(path), path, () => {});
      expect(s.frames).toBe(r.frames);
    });
  }
});
