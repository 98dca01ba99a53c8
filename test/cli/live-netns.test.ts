/**
 * Test A: the sensor captures on one end of a veth link in its own namespace while tcpreplay sends
 * captures into the other end; the events must equal `exfilwatch replay` of the same files, apart from
 * timestamps. Timestamps come from the pcap headers of the sensor side, so they are the times tcpreplay
 * put the frames on the link: every one must fall within the wall-clock window of that file's tcpreplay
 * run. Needs root, iproute2, tcpreplay and the pcap binding.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVethPair, type VethPair } from '../helpers/netns.js';
import { ensureBuilt, isoMicros, replayEvents, startLive, timeless, parseLines } from '../helpers/live-cli.js';

const CORPUS = '/work/shared/corpus/pcaps';
// Small Ethernet captures covering flows, dns, tls, http and ftp (IPv4 and IPv6), none longer than a few seconds.
const FILES = [
  'zeek__http__100-continue.pcap',
  'zeek__http__get-to-ssh-server.pcap',
  'suricata__ftp__ftp-upload-passive__input.pcap',
  'suricata__tls__tls13-draft28__tls13_draft28.pcap',
  'suricata__dns__dns-udp-eve-log-answer-only__dns-udp-google.com-a-aaaa-mx.pcap',
].map((f) => join(CORPUS, f));

const setup = ((): { pair?: VethPair; skip?: string } => {
  if (!FILES.every((f) => existsSync(f))) return { skip: 'corpus captures missing' };
  if (spawnSync('tcpreplay', ['--version']).status !== 0) return { skip: 'tcpreplay is not installed (apt-get install tcpreplay)' };
  const r = createVethPair();
  return r.ok ? { pair: r.pair } : { skip: r.reason };
})();
if (setup.skip !== undefined) console.warn(`live-netns: skipped: ${setup.skip}`);

afterAll(() => setup.pair?.destroy());

describe.skipIf(setup.pair === undefined)('exfilwatch live on a veth link fed by tcpreplay', () => {
  beforeAll(() => ensureBuilt());

  it('emits the same events as replay of the same captures, apart from timestamps', async () => {
    const pair = setup.pair as VethPair;
    const live = startLive(['-i', pair.sensorIf, '--stats-interval', '0'], pair.sensorNs);
    await live.ready;
    const windows: { from: number; to: number }[] = [];
    for (const f of FILES) {
      // A bounded rate, one file after the other: no kernel drops, and the files' flows never overlap in time.
      const from = Date.now() * 1000;
      const r = spawnSync('ip', ['netns', 'exec', pair.peerNs, 'tcpreplay', '-i', pair.peerIf, '--pps', '200', f], { encoding: 'utf8' });
      windows.push({ from, to: Date.now() * 1000 + 1000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Failed packets:\s+0\b/);
    }
    // closed_timeout (5 s) lets FIN/RST flows end as they would in replay; the idle tick does it with no
    // traffic, its clock kept TICK_LAG_MS (1 s) behind the wall.
    await new Promise((res) => setTimeout(res, 8_000));
    const code = await live.stop();
    expect(code, live.stderr()).toBe(0);

    const expected = FILES.flatMap((f) => replayEvents(f)).map(timeless).sort();
    const got = parseLines(live.stdout()).map(timeless).sort();
    const datasets = new Set(parseLines(live.stdout()).map((e) => (e['event'] as { dataset: string }).dataset));
    expect([...datasets].sort()).toEqual(['exfilwatch.dns', 'exfilwatch.flow', 'exfilwatch.ftp', 'exfilwatch.http', 'exfilwatch.tls']);
    expect(got).toEqual(expected);
    expect(live.stderr()).toMatch(/received \d+, kernel drops 0, interface drops 0,/);

    // Each event's packet times lie within the run of the tcpreplay that sent its file.
    const fileOf = new Map<string, number>();
    FILES.forEach((f, i) => {
      for (const k of replayEvents(f).map(timeless)) fileOf.set(k, fileOf.has(k) && fileOf.get(k) !== i ? -1 : i);
    });
    let checked = 0;
    for (const ev of parseLines(live.stdout())) {
      const w = windows[fileOf.get(timeless(ev)) ?? -1];
      if (w === undefined) continue;
      const e = ev['event'] as { dataset: string; start?: string; end?: string };
      const times = e.dataset === 'exfilwatch.flow' ? [e.start, e.end] : [ev['@timestamp'] as string];
      for (const t of times) {
        expect(t).toBeDefined();
        const us = isoMicros(t!);
        expect(us, JSON.stringify(ev)).toBeGreaterThanOrEqual(w.from);
        expect(us, JSON.stringify(ev)).toBeLessThanOrEqual(w.to);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  }, 120_000);
});
