import { describe, expect, it } from 'vitest';
import { ip4, ipfix, ipv4Record, ipv4Template, set, u16, u32, u8, setup } from './build.js';

const EXP = { address: '192.0.2.1', port: 4739 };
const T0 = 1_700_000_000;

describe('IPFIX', () => {
  it('decodes a template and its data, pairs the two directions and takes times from the record', () => {
    const { c, flows, counters } = setup();
    c.handleDatagram(ipfix(T0, 0, 1,
      set(2, ipv4Template(256)),
      set(256,
        ipv4Record('10.0.0.5', '203.0.113.9', 50000, 443, 6, 5_000_000_000, 4000, T0 * 1000 - 5000),
        ipv4Record('203.0.113.9', '10.0.0.5', 443, 50000, 6, 90_000, 2000, T0 * 1000 - 4990)),
    ), EXP, 1);
    c.flush(Infinity);
    expect(counters.get('netflow.records')).toBe(2);
    expect(flows).toHaveLength(1);
    const f = flows[0]!;
    expect(f).toMatchObject({ origin: 'netflow', origIp: '10.0.0.5', origPort: 50000, respIp: '203.0.113.9', respPort: 443, origBytes: 5_000_000_000, respBytes: 90_000, origPackets: 4000, respPackets: 2000, transport: 'tcp', direction: 'outbound', exporter: '192.0.2.1/1' });
    expect(f.start).toBe((T0 * 1000 - 5000) * 1000);
    expect(f.communityId).toMatch(/^1:/);
  });

  it('skips enterprise fields, reads variable-length fields (1- and 3-byte length) and RFC 5103 reverse counters', () => {
    const { c, flows } = setup();
    const tpl = [
      ...u16(300), ...u16(7),
      ...u16(8), ...u16(4), ...u16(12), ...u16(4), ...u16(4), ...u16(1),
      ...u16(0x8000 | 100), ...u16(0xffff), ...u32(9), // enterprise 9, element 100, variable length
      ...u16(1), ...u16(4), // octetDeltaCount
      ...u16(0x8000 | 1), ...u16(4), ...u32(29305), // reverseOctetDeltaCount
      ...u16(82), ...u16(0xffff), // interfaceName, variable length
    ];
    const rec = [
      ...ip4('10.1.1.1'), ...ip4('198.51.100.7'), ...u8(17),
      ...u8(3), 0xde, 0xad, 0xbe, // 3 bytes of vendor data
      ...u32(1234), ...u32(5678),
      ...u8(255), ...u16(300), ...new Array<number>(300).fill(0x41), // 300-byte name, 3-byte length form
    ];
    c.handleDatagram(ipfix(T0, 0, 0, set(2, tpl), set(300, rec)), EXP, 1);
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ origIp: '10.1.1.1', respIp: '198.51.100.7', origBytes: 1234, respBytes: 5678, transport: 'udp' });
  });

  it('holds data that arrives before its template (bounded) and decodes it when the template comes', () => {
    const { c, flows, counters } = setup({ maxPendingSets: 2 });
    const data = set(256, ipv4Record('10.0.0.1', '192.0.2.99', 1234, 80, 6, 100, 1, T0 * 1000));
    c.handleDatagram(ipfix(T0, 0, 7, data), EXP, 1);
    c.handleDatagram(ipfix(T0, 1, 7, set(257, [1, 2, 3, 4])), EXP, 2);
    c.handleDatagram(ipfix(T0, 2, 7, set(258, [1, 2, 3, 4])), EXP, 3);
    expect(counters.get('netflow.pending_set_evicted')).toBe(1);
    expect(c.pendingSets()).toBe(2);
    // the first set was evicted; send it again, then the template
    c.handleDatagram(ipfix(T0, 3, 7, data), EXP, 4);
    c.handleDatagram(ipfix(T0, 4, 7, set(2, ipv4Template(256))), EXP, 5);
    c.flush(Infinity);
    expect(counters.get('netflow.pending_set_replayed')).toBe(1);
    expect(flows).toHaveLength(1);
    expect(flows[0]?.origBytes).toBe(100);
  });

  it('withdraws one template and all templates of a domain', () => {
    const { c, counters } = setup();
    c.handleDatagram(ipfix(T0, 0, 0, set(2, ipv4Template(256), ipv4Template(257), ipv4Template(258))), EXP, 1);
    expect(c.templateCount()).toBe(3);
    c.handleDatagram(ipfix(T0, 0, 0, set(2, [...u16(256), ...u16(0)])), EXP, 2);
    expect(c.templateCount()).toBe(2);
    c.handleDatagram(ipfix(T0, 0, 0, set(2, [...u16(2), ...u16(0)])), EXP, 3);
    expect(c.templateCount()).toBe(0);
    expect(counters.get('netflow.template_withdrawn')).toBe(3);
  });

  it('scopes templates by exporter address and observation domain', () => {
    const { c, flows, counters } = setup();
    c.handleDatagram(ipfix(T0, 0, 1, set(2, ipv4Template(256))), EXP, 1);
    const rec = set(256, ipv4Record('10.0.0.1', '192.0.2.99', 1234, 80, 6, 100, 1, T0 * 1000));
    c.handleDatagram(ipfix(T0, 0, 2, rec), EXP, 2); // other domain: no template
    c.handleDatagram(ipfix(T0, 0, 1, rec), { address: '192.0.2.2', port: 4739 }, 3); // other exporter
    c.flush(Infinity);
    expect(flows).toHaveLength(0);
    expect(counters.get('netflow.pending_set_held')).toBe(2);
    c.handleDatagram(ipfix(T0, 1, 1, rec), EXP, 4);
    c.flush(Infinity);
    expect(flows).toHaveLength(1);
  });

  it('applies the sampling rate from an options record, and a configured rate over it', () => {
    const optTpl = [...u16(400), ...u16(2), ...u16(1), // id, field count, scope field count
      ...u16(149), ...u16(4), // scope: observationDomainId
      ...u16(34), ...u16(4)]; // samplingInterval
    const opts = set(400, [...u32(0), ...u32(100)]);
    const rec = set(256, ipv4Record('10.0.0.1', '192.0.2.99', 1234, 80, 17, 1000, 2, T0 * 1000));
    const a = setup();
    a.c.handleDatagram(ipfix(T0, 0, 0, set(3, optTpl), set(2, ipv4Template(256)), opts, rec), EXP, 1);
    a.c.flush(Infinity);
    expect(a.flows[0]).toMatchObject({ origBytes: 100_000, origPackets: 200 });
    expect(a.c.exporters()[0]?.samplingRate).toBe(100);
    const b = setup({ samplingRates: { '192.0.2.1': 10 } });
    b.c.handleDatagram(ipfix(T0, 0, 0, set(3, optTpl), set(2, ipv4Template(256)), opts, rec), EXP, 1);
    b.c.flush(Infinity);
    expect(b.flows[0]).toMatchObject({ origBytes: 10_000, origPackets: 20 });
  });

  it('counts lost records from sequence numbers', () => {
    const { c } = setup();
    const rec = set(256, ipv4Record('10.0.0.1', '192.0.2.99', 1234, 80, 6, 100, 1, T0 * 1000));
    c.handleDatagram(ipfix(T0, 0, 0, set(2, ipv4Template(256)), rec), EXP, 1);
    c.handleDatagram(ipfix(T0, 1, 0, rec), EXP, 2);
    c.handleDatagram(ipfix(T0, 10, 0, rec), EXP, 3); // 8 records missing
    const s = c.exporters()[0]!;
    expect(s).toMatchObject({ packets: 3, records: 3, lostRecords: 8, sequenceGaps: 1, templates: 1, lastSeen: 3 });
  });
});
