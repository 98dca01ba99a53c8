/**
 * Reader benchmark: the synchronous chunked file reader vs pcap-parser (stream) vs the builtin stream
 * engine, plus reader + decodeFrame, on one capture, in the same run. Median of 3 runs each.
 *
 *   npx tsx bench/readers.ts FILE
 *
 * When FILE does not exist it is made first (~100 MB classic pcap) by replaying the Ethernet records of
 * ../shared/corpus/pcaps/*.pcap with shifted timestamps.
 */
import { createReadStream, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawFrame } from '../src/core/types.js';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../src/decode/decode-frame.js';
import { readCaptureFileSync } from '../src/ingest/pcap-file.js';
import { readCaptureStream } from '../src/ingest/pcap-stream.js';

const TARGET_BYTES = 100 * 1024 * 1024;

function makeCapture(path: string): void {
  const dir = resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/corpus/pcaps');
  const records: Buffer[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.pcap')).sort()) {
    readCaptureFileSync(resolve(dir, name), (f) => {
      if (f.linkType !== 1) return;
      const h = Buffer.alloc(16);
      h.writeUInt32LE(f.data.length, 8);
      h.writeUInt32LE(f.origLen, 12);
      records.push(Buffer.concat([h, f.data]));
    });
  }
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  const out: Buffer[] = [header];
  let size = 24;
  let t = 1_700_000_000_000_000;
  for (let i = 0; size < TARGET_BYTES; i++) {
    const r = Buffer.from(records[i % records.length]!);
    t += 37;
    r.writeUInt32LE(Math.floor(t / 1e6), 0);
    r.writeUInt32LE(t % 1e6, 4);
    out.push(r);
    size += r.length;
  }
  writeFileSync(path, Buffer.concat(out));
}

async function timeIt(label: string, run: () => Promise<number> | number, bytes: number): Promise<void> {
  const times: number[] = [];
  let frames = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    frames = await run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  const s = times[1]!;
  const line = `${label.padEnd(38)} ${s.toFixed(3)} s  ${(frames / s / 1e6).toFixed(2)} M frames/s  ${(bytes / s / 1e6).toFixed(0)} MB/s  (${frames} frames)`;
  console.log(line);
}

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: npx tsx bench/readers.ts FILE');
  process.exit(2);
}
if (!existsSync(file)) {
  console.log(`making ${file} …`);
  makeCapture(file);
}
const bytes = statSync(file).size;
console.log(`${file}: ${(bytes / 1e6).toFixed(1)} MB, node ${process.version}`);
let sink = 0;
const touch = (f: RawFrame): void => {
  sink += f.data.length;
};
await timeIt('sync file reader (256 KiB readSync)', () => readCaptureFileSync(file, touch).frames, bytes);
await timeIt('pcap-parser (stream, via wrapper)', async () => (await readCaptureStream(createReadStream(file), file, touch)).frames, bytes);
await timeIt('builtin stream engine', async () => (await readCaptureStream(createReadStream(file), file, touch, { engine: 'builtin' })).frames, bytes);
await timeIt('sync file reader, 8 MiB chunks', () => readCaptureFileSync(file, touch, { chunkBytes: 8 << 20 }).frames, bytes);
await timeIt('sync file reader + decodeFrame', () => {
  const state = createDecoderState();
  const out = createDecodedPacket();
  let ok = 0;
  const r = readCaptureFileSync(file, (f) => {
    if (decodeFrame(f, out, state).ok) ok++;
  });
  sink += ok;
  return r.frames;
}, bytes);
console.log(`(checksum ${sink})`);
