import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDecodedPacket, createDecoderState, decodeFrame } from '../../src/decode/decode-frame.js';
import { readCapture } from '../../src/ingest/capture.js';
import { tempFile } from '../ingest/fixtures.js';
import { prng } from '../helpers/mulberry32.js';

const corpus = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/corpus/pcaps');
const FILES = [
  'zeek__ipv4__fragmented-1.pcap', // IPv4 fragments
  'suricata__defrag__bug-6887-defrag-eth-vlan-ipv6-tcp__frag-eth-vlan-ipv6-tcp.pcap', // VLAN + IPv6 fragments
  'zeek__pcapng-multi-interface.pcapng', // pcapng, several interfaces
  'zeek__vlan-qinqinq.pcap', // triple tags
  'tcpdump__tcp-handshake-nano.pcap', // ns magic, SLL
  'suricata__bug-4810__pppoe-session-http.pcap', // PPPoE
];
const present = FILES.every((f) => existsSync(resolve(corpus, f)));


describe.skipIf(!present)('fuzz: truncations and byte flips never throw or hang', () => {
  for (const name of FILES) {
    it(name, async () => {
      const original = readFileSync(resolve(corpus, name));
      const rnd = prng(0xc0ffee ^ original.length);
      for (let iter = 0; iter < 40; iter++) {
        const bytes = Buffer.from(original.subarray(0, 1 + Math.floor(rnd() * original.length)));
        const flips = 1 + Math.floor(rnd() * 16);
        for (let k = 0; k < flips; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
        const state = createDecoderState({ maxFragDatagrams: 4 });
        const out = createDecodedPacket();
        let frames = 0;
        const r = await readCapture(tempFile('fuzz.bin', bytes), (f) => {
          frames++;
          decodeFrame(f, out, state);
        });
        expect(r.frames).toBe(frames);
        expect(state.frags.size).toBeLessThanOrEqual(4);
      }
    });
  }
  it('random frames on every link type decode without throwing', () => {
    const rnd = prng(7);
    const state = createDecoderState();
    const out = createDecodedPacket();
    const results = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const data = new Uint8Array(Math.floor(rnd() * 80));
      for (let k = 0; k < data.length; k++) data[k] = Math.floor(rnd() * 256);
      if (data.length > 0 && rnd() < 0.5) data[0] = rnd() < 0.5 ? 0x45 : 0x60;
      const linkType = [0, 1, 12, 101, 104, 108, 113, 228, 229, 239, 276][i % 11]!;
      const r = decodeFrame({ ts: i, linkType, data, origLen: data.length, interfaceId: 0 }, out, state);
      results.add(r.ok ? 'ok' : 'anomaly' in r ? r.anomaly : 'skipped' in r ? r.skipped : 'pending');
    }
    expect(results.size).toBeGreaterThan(5);
  });
});
