import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DNS_DECODE, decodeDnsMessage, decodeDnsMessageFull } from '../../src/app/dns-decode.js';
import { decodeSimpleDnsMessage } from '../../src/app/dns-fast.js';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import { readCaptureFileSync } from '../../src/ingest/pcap-file.js';
import { hex } from './harness.js';
import { prng } from '../helpers/mulberry32.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const corpus = resolve(root, '../shared/corpus/pcaps');

/** Every UDP port-53 payload of a capture, copied. */
function dnsPayloads(file: string): Buffer[] {
  const out: Buffer[] = [];
  const state = createDecoderState();
  const p = createDecodedPacket();
  readCaptureFileSync(file, (f) => {
    const r = decodeFrame(f, p, state);
    if (r.ok && p.proto === 17 && (p.srcPort === 53 || p.dstPort === 53) && p.payload.length > 0) out.push(Buffer.from(p.payload));
  });
  return out;
}

const samples = readdirSync(resolve(root, 'pcaps')).filter((f) => f.endsWith('.pcap')).map((f) => resolve(root, 'pcaps', f));
const corpusDns = existsSync(corpus) ? readdirSync(corpus).filter((f) => /dns/i.test(f)).map((f) => resolve(corpus, f)) : [];
const messages = [...samples, ...corpusDns].flatMap(dnsPayloads);


// A response: question example.com A; answers www CNAME (pointer into the question) and A 93.184.216.34.
const RESPONSE = hex(`
  1234 8180 0001 0002 0000 0000            # id, QR RD RA, qd=1 an=2
  07 6578616d706c65 03 636f6d 00 0001 0001 # example.com A IN
  c00c 0005 0001 0000003c 0006 03 777777 c00c   # CNAME www.example.com
  c00c 0001 0001 0000012c 0004 5db8d822    # A 93.184.216.34
`.replace(/#.*$/gm, ''));

describe('simple DNS fast path', () => {
  it('decodes the common response exactly as the dns-packet decoder does', () => {
    const fast = decodeSimpleDnsMessage(RESPONSE, DEFAULT_DNS_DECODE);
    expect(fast).toBeDefined();
    expect(fast).toEqual(decodeDnsMessageFull(RESPONSE));
    expect(fast?.answers.map((a) => a.data)).toEqual(['www.example.com', '93.184.216.34']);
  });

  it('leaves non-ASCII labels, forward pointers, extra sections and trailing bytes to the full decoder', () => {
    const utf8 = Buffer.from(RESPONSE);
    utf8[13] = 0xc3; // first byte of "example" becomes a UTF-8 lead byte
    const forward = Buffer.from(RESPONSE);
    forward[30] = 0xc0; forward[31] = 0x30; // the CNAME's owner name points forwards
    const additional = Buffer.from(RESPONSE);
    additional[11] = 1;
    const trailing = Buffer.concat([RESPONSE, Buffer.from([0])]);
    for (const m of [utf8, forward, additional, trailing]) expect(decodeSimpleDnsMessage(m, DEFAULT_DNS_DECODE)).toBeUndefined();
    expect(decodeDnsMessage(trailing)?.anomaly).toBe('trailing_bytes');
  });

  it('strips a trailing dot that a label itself carries, like the full decoder', () => {
    // question "a." (one label holding a dot), type A
    const m = hex('0001 0100 0001 0000 0000 0000 02 612e 00 0001 0001');
    expect(decodeSimpleDnsMessage(m, DEFAULT_DNS_DECODE)?.questionName).toBe('a');
    expect(decodeSimpleDnsMessage(m, DEFAULT_DNS_DECODE)).toEqual(decodeDnsMessageFull(m));
  });

  it('names every question type it takes as the full decoder does', () => {
    for (const t of [1, 2, 5, 6, 12, 15, 16, 28, 33, 64, 65, 255]) {
      const m = hex(`0001 0100 0001 0000 0000 0000 01 78 00 ${t.toString(16).padStart(4, '0')} 0001`);
      const fast = decodeSimpleDnsMessage(m, DEFAULT_DNS_DECODE);
      expect(fast, `type ${t}`).toBeDefined();
      expect(fast).toEqual(decodeDnsMessageFull(m));
    }
  });

  it('agrees with the full decoder on every DNS message of the sample and corpus captures, whole and damaged', () => {
    expect(messages.length).toBeGreaterThan(100);
    const rnd = prng(0x5eed);
    let taken = 0;
    let takenWhole = 0;
    for (const original of messages) {
      if (decodeSimpleDnsMessage(original, DEFAULT_DNS_DECODE) !== undefined) takenWhole++;
      const variants = [original];
      for (let k = 0; k < 8; k++) {
        const v = Buffer.from(original.subarray(0, 12 + Math.floor(rnd() * Math.max(1, original.length - 11))));
        const flips = Math.floor(rnd() * 3);
        for (let j = 0; j < flips; j++) v[Math.floor(rnd() * v.length)] = Math.floor(rnd() * 256);
        variants.push(v);
      }
      for (const m of variants) {
        const fast = decodeSimpleDnsMessage(m, DEFAULT_DNS_DECODE);
        if (fast === undefined) continue;
        taken++;
        expect(fast).toEqual(decodeDnsMessageFull(m));
      }
    }
    // the comparison must cover many messages, and the fast path carry a real share of whole ones
    expect(taken).toBeGreaterThan(200);
    expect(takenWhole).toBeGreaterThan(messages.length / 4);
  });

  it('keeps the answer bound and the data cut of the options', () => {
    const opts = { maxAnswers: 1, maxDataChars: 5 };
    expect(decodeSimpleDnsMessage(RESPONSE, opts)).toBeUndefined();
    const one = { maxAnswers: 2, maxDataChars: 5 };
    expect(decodeSimpleDnsMessage(RESPONSE, one)).toEqual(decodeDnsMessageFull(RESPONSE, one));
  });
});
