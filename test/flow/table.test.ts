import { describe, expect, it } from 'vitest';
import type { AppObserver } from '../../src/app/observer.js';
import { createCounters } from '../../src/core/counters.js';
import { TCP_FLAG, type DecodedPacket, type FlowRecord, type SensorEvent } from '../../src/core/types.js';
import { createFlowTable, DEFAULT_FLOW_OPTIONS, type FlowTableOptions } from '../../src/flow/table.js';

const SYN = TCP_FLAG.SYN, ACK = TCP_FLAG.ACK, FIN = TCP_FLAG.FIN, RST = TCP_FLAG.RST, PSH = TCP_FLAG.PSH;
const S = 1_000_000;
const C = Uint8Array.of(10, 0, 0, 1);
const SRV = Uint8Array.of(66, 203, 126, 10);

function pkt(ts: number, src: Uint8Array, sp: number, dst: Uint8Array, dp: number, flags: number, payload = 0, seq = 0, proto = 6): DecodedPacket {
  return {
    ts, ipVersion: 4, src, dst, proto, srcPort: sp, dstPort: dp, ipBytes: 40 + payload, frameBytes: 54 + payload, frames: 1,
    tcpFlags: flags, seq, ack: 0, payload: new Uint8Array(payload), vlan: -1,
  };
}

function setup(opts: Partial<FlowTableOptions> = {}, observers: AppObserver<unknown>[] = []) {
  const events: SensorEvent[] = [];
  const counters = createCounters();
  const table = createFlowTable({ ...DEFAULT_FLOW_OPTIONS, ...opts }, {
    emit: (e) => events.push(e), counters, observers, direction: (a) => (a.startsWith('10.') ? 'outbound' : 'inbound'),
  });
  const flows = (): FlowRecord[] => events.flatMap((e) => (e.type === 'flow' ? [e.flow] : []));
  return { table, events, counters, flows };
}

describe('flow table', () => {
  it('puts both directions of a TCP connection on one flow and ends it after FIN+FIN', () => {
    const { table, flows } = setup();
    table.packet(pkt(0, C, 40000, SRV, 443, SYN));
    table.packet(pkt(10, SRV, 443, C, 40000, SYN | ACK));
    table.packet(pkt(20, C, 40000, SRV, 443, ACK | PSH, 1000, 1));
    table.packet(pkt(30, C, 40000, SRV, 443, FIN | ACK));
    table.packet(pkt(40, SRV, 443, C, 40000, FIN | ACK));
    table.packet(pkt(50, C, 40000, SRV, 443, ACK));
    expect(flows()).toHaveLength(0);
    table.packet(pkt(10 * S, C, 1, SRV, 2, SYN)); // time moves on: the closed flow lingers 5 s, then ends
    const [f] = flows();
    expect(f).toMatchObject({ origIp: '10.0.0.1', origPort: 40000, respIp: '66.203.126.10', respPort: 443, origPackets: 4, respPackets: 2, origBytes: 4 * 40 + 1000, respBytes: 80, endReason: 'fin', direction: 'outbound', transport: 'tcp' });
    expect(f?.communityId).toMatch(/^1:/);
  });

  it('makes the SYN sender the originator even when the SYN-ACK was seen first', () => {
    const { table, flows } = setup();
    table.packet(pkt(0, SRV, 443, C, 40000, SYN | ACK));
    table.packet(pkt(5, C, 40000, SRV, 443, SYN));
    table.flush('shutdown');
    expect(flows()[0]).toMatchObject({ origIp: '10.0.0.1', origPackets: 1, respPackets: 1 });
  });

  it('expires idle flows by packet time, per protocol', () => {
    const { table, flows } = setup({ idleTimeout: { tcp: 300, udp: 60, other: 60 } });
    table.packet(pkt(0, C, 5353, SRV, 53, 0, 20, 0, 17));
    table.packet(pkt(0, C, 40000, SRV, 443, SYN));
    table.tick(61 * S + 1);
    expect(flows().map((f) => [f.transport, f.endReason])).toEqual([['udp', 'idle']]);
    table.tick(301 * S + 1);
    expect(flows().map((f) => f.transport)).toEqual(['udp', 'tcp']);
  });

  it('reports long flows at the active timeout, cumulatively, and keeps counting', () => {
    const { table, flows } = setup({ activeTimeout: 10 });
    for (let t = 0; t <= 25; t++) table.packet(pkt(t * S, C, 40000, SRV, 443, ACK, 100));
    table.flush('shutdown');
    const f = flows();
    expect(f.map((x) => x.endReason)).toEqual(['active', 'active', 'shutdown']);
    expect(new Set(f.map((x) => x.id)).size).toBe(1);
    expect(f.map((x) => x.origPackets)).toEqual([11, 21, 26]);
  });

  it('evicts the least recently active flow at the size bound and counts it', () => {
    const { table, flows, counters } = setup({ maxFlows: 2 });
    table.packet(pkt(1, C, 1, SRV, 80, SYN));
    table.packet(pkt(2, C, 2, SRV, 80, SYN));
    table.packet(pkt(3, C, 1, SRV, 80, ACK)); // port 1 is active again: port 2 is now the oldest
    table.packet(pkt(4, C, 3, SRV, 80, SYN));
    expect(flows()).toHaveLength(1);
    expect(flows()[0]).toMatchObject({ origPort: 2, endReason: 'evicted' });
    expect(counters.get('flow.ended.evicted')).toBe(1);
    expect(table.size()).toBe(2);
  });

  it('starts a new flow when a SYN reuses a closed 5-tuple', () => {
    const { table, flows } = setup();
    table.packet(pkt(0, C, 40000, SRV, 80, SYN));
    table.packet(pkt(1, SRV, 80, C, 40000, RST));
    table.packet(pkt(2, C, 40000, SRV, 80, SYN));
    table.flush('shutdown');
    expect(flows().map((f) => [f.endReason, f.origPackets + f.respPackets])).toEqual([['rst', 2], ['shutdown', 1]]);
  });

  it('feeds an observer each direction in sequence order and survives a throwing observer', () => {
    const seen: string[] = [];
    const collector: AppObserver<{ n: number }> = {
      name: 'http',
      accepts: (_ep, dir) => dir === 'orig',
      open: () => ({ n: 0 }),
      data: (s, dir, d, _ts, gap) => { seen.push(`${dir}:${Buffer.from(d).toString()}${gap ? '!' : ''}`); return ++s.n < 100; },
      close: () => { seen.push('close'); },
    };
    const { table } = setup({}, [collector as AppObserver<unknown>]);
    const data = (ts: number, seq: number, text: string, fromClient = true) => {
      const p = fromClient ? pkt(ts, C, 40000, SRV, 80, ACK | PSH, 0, seq) : pkt(ts, SRV, 80, C, 40000, ACK | PSH, 0, seq);
      table.packet({ ...p, payload: Buffer.from(text), ipBytes: 40 + text.length });
    };
    table.packet(pkt(0, C, 40000, SRV, 80, SYN, 0, 99));
    data(1, 100, 'GET ');
    data(2, 108, 'HTTP'); // early: waits for the hole
    data(3, 104, '/ x '); // fills it
    data(4, 104, '/ x '); // retransmission: ignored
    data(5, 500, 'OK', false);
    table.flush('shutdown');
    expect(seen).toEqual(['orig:GET ', 'orig:/ x ', 'orig:HTTP', 'resp:OK', 'close']);

    const boom: AppObserver<null> = { name: 'dns', accepts: () => true, open: () => null, data: () => { throw new Error('bug'); }, close: () => undefined };
    const t2 = setup({}, [boom as AppObserver<unknown>]);
    t2.table.packet(pkt(0, C, 5000, SRV, 53, 0, 10, 0, 17));
    t2.table.packet(pkt(1, C, 5000, SRV, 53, 0, 10, 0, 17));
    t2.table.flush('shutdown');
    expect(t2.counters.get('app.dns.observer_error')).toBe(1);
    expect(t2.flows()[0]?.origPackets).toBe(2);
  });

  it('ties an announced data connection to its control flow', () => {
    const ftp: AppObserver<null> = {
      name: 'ftp', accepts: (ep) => ep.serverPort === 21,
      open: (ep, ctx) => { ctx.expect({ clientIp: ep.clientIp, serverIp: ep.serverIp, serverPort: 50000, app: 'ftp-data', controlId: ep.flowId, until: 100 * S }); return null; },
      data: () => true, close: () => undefined,
    };
    const { table, flows } = setup({}, [ftp as AppObserver<unknown>]);
    table.packet(pkt(0, C, 40000, SRV, 21, ACK | PSH, 10, 1));
    table.packet(pkt(1, C, 40001, SRV, 50000, SYN));
    table.flush('shutdown');
    const data = flows().find((f) => f.respPort === 50000);
    const control = flows().find((f) => f.respPort === 21);
    expect(data).toMatchObject({ app: 'ftp-data', ftpControlId: control?.id });
  });

  it('skips a hole at once when the peer acknowledges bytes the capture never had', () => {
    const seen: string[] = [];
    const obs: AppObserver<null> = {
      name: 'http', accepts: () => true, open: () => null,
      data: (_s, dir, d, _ts, gap) => { seen.push(`${dir}:${Buffer.from(d).toString()}${gap ? '!' : ''}`); return true; },
      close: () => undefined,
    };
    const { table, counters } = setup({}, [obs as AppObserver<unknown>]);
    const send = (ts: number, seq: number, text: string) => table.packet({ ...pkt(ts, C, 40000, SRV, 80, ACK | PSH, 0, seq), payload: Buffer.from(text) });
    table.packet(pkt(0, C, 40000, SRV, 80, SYN, 0, 99));
    send(1, 100, 'GET ');
    send(2, 108, 'HTTP'); // 104..107 were never captured
    expect(seen).toEqual(['orig:GET ']);
    table.packet({ ...pkt(3, SRV, 80, C, 40000, ACK), ack: 112 });
    expect(seen).toEqual(['orig:GET ', 'orig:HTTP!']);
    expect(counters.get('tcp.capture_loss_gap')).toBe(1);
  });
});

