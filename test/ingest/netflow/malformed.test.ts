import { describe, expect, it } from 'vitest';
import { ip4, ipfix, ipv4Record, ipv4Template, set, u16, u32, v9, setup } from './build.js';

const EXP = { address: '192.0.2.1', port: 2055 };
const T0 = 1_700_000_000;

describe('malformed datagrams are counted and dropped', () => {
  it('truncated headers of every version and unknown versions', () => {
    const { c, counters, flows } = setup();
    c.handleDatagram(Buffer.from([0, 5, 0, 1, 0, 0]), EXP, 1);
    c.handleDatagram(Buffer.from([0, 9, 0, 1, 0, 0, 0, 0]), EXP, 1);
    c.handleDatagram(Buffer.from([0, 10, 0, 16, 0, 0]), EXP, 1);
    c.handleDatagram(Buffer.from([0, 7, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), EXP, 1);
    c.handleDatagram(Buffer.from([1]), EXP, 1);
    // IPFIX header length larger than the datagram, and smaller than a header
    c.handleDatagram(Buffer.from([...u16(10), ...u16(200), ...u32(T0), ...u32(0), ...u32(0)]), EXP, 1);
    c.handleDatagram(Buffer.from([...u16(10), ...u16(8), ...u32(T0), ...u32(0), ...u32(0)]), EXP, 1);
    // v5 header says 2 records, carries 1
    c.handleDatagram(Buffer.concat([Buffer.from([...u16(5), ...u16(2), ...new Array<number>(20).fill(0)]), Buffer.alloc(48)]), EXP, 1);
    expect(counters.get('netflow.v5_truncated')).toBe(2);
    expect(counters.get('netflow.v9_truncated')).toBe(1);
    expect(counters.get('netflow.ipfix_truncated')).toBe(2);
    expect(counters.get('netflow.ipfix_bad_length')).toBe(1);
    expect(counters.get('netflow.unknown_version')).toBe(1);
    expect(counters.get('netflow.datagram_truncated')).toBe(1);
    c.flush(Infinity);
    expect(flows).toHaveLength(0);
  });

  it('zero-length sets and templates that overrun their set (node-netflowv9 loops forever on the first)', () => {
    const { c, counters } = setup();
    c.handleDatagram(v9(1000, T0, 0, 0, [...u16(256), ...u16(0), 0, 0, 0, 0]), EXP, 1);
    c.handleDatagram(ipfix(T0, 0, 0, [...u16(256), ...u16(2)]), EXP, 1);
    // template claims 9 fields, carries 1
    c.handleDatagram(v9(1000, T0, 1, 0, set(0, [...u16(256), ...u16(9), ...u16(8), ...u16(4)])), EXP, 1);
    c.handleDatagram(ipfix(T0, 0, 0, set(2, [...u16(256), ...u16(9), ...u16(8), ...u16(4)])), EXP, 1);
    // set longer than the datagram
    c.handleDatagram(ipfix(T0, 0, 0, [...u16(256), ...u16(400), 1, 2, 3, 4]), EXP, 1);
    expect(counters.get('netflow.set_bad_length')).toBe(2);
    expect(counters.get('netflow.template_truncated')).toBe(2);
    expect(counters.get('netflow.set_truncated')).toBe(1);
    expect(c.templateCount()).toBe(0);
  });

  it('zero-length fields, zero-field templates, too many fields and reserved template ids', () => {
    const { c, counters } = setup({ maxTemplateFields: 4 });
    c.handleDatagram(v9(1000, T0, 0, 0, set(0, [...u16(256), ...u16(2), ...u16(8), ...u16(0), ...u16(12), ...u16(4)])), EXP, 1);
    c.handleDatagram(ipfix(T0, 0, 0, set(2, [...u16(256), ...u16(1), ...u16(8), ...u16(0)])), EXP, 1);
    c.handleDatagram(v9(1000, T0, 1, 0, set(0, [...u16(256), ...u16(0)])), EXP, 1);
    c.handleDatagram(v9(1000, T0, 2, 0, set(0, [...u16(256), ...u16(5), ...new Array<number>(20).fill(1)])), EXP, 1);
    c.handleDatagram(ipfix(T0, 0, 0, set(2, [...u16(17), ...u16(1), ...u16(8), ...u16(4)])), EXP, 1);
    c.handleDatagram(ipfix(T0, 0, 0, set(3, [...u16(300), ...u16(1), ...u16(0), ...u16(8), ...u16(4)])), EXP, 1);
    expect(counters.get('netflow.template_zero_length_field')).toBe(2);
    expect(counters.get('netflow.template_zero_length_record')).toBe(1);
    expect(counters.get('netflow.template_too_many_fields')).toBe(1);
    expect(counters.get('netflow.template_bad_id')).toBe(1);
    expect(counters.get('netflow.template_bad_scope')).toBe(1);
    expect(c.templateCount()).toBe(0);
  });

  it('a variable-length field that overruns the set ends the set without a record', () => {
    const { c, counters, flows } = setup();
    const tpl = [...u16(256), ...u16(3), ...u16(8), ...u16(4), ...u16(12), ...u16(4), ...u16(82), ...u16(0xffff)];
    c.handleDatagram(ipfix(T0, 0, 0, set(2, tpl), set(256, [...ip4('10.0.0.1'), ...ip4('10.0.0.2'), 200, 1, 2])), EXP, 1);
    c.flush(Infinity);
    expect(counters.get('netflow.record_truncated')).toBe(1);
    expect(flows).toHaveLength(0);
  });

  it('random garbage never throws', () => {
    const { c, counters } = setup();
    let x = 12345;
    const rnd = (): number => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x; };
    for (let i = 0; i < 20_000; i++) {
      const len = rnd() % 300;
      const b = Buffer.alloc(len);
      for (let j = 0; j < len; j++) b[j] = rnd() & 0xff;
      if (len >= 2) { b[0] = 0; b[1] = [5, 9, 10][i % 3] ?? 9; }
      // keep some templates valid-looking so data sets get walked too
      expect(() => c.handleDatagram(b, EXP, i)).not.toThrow();
    }
    c.flush(Infinity);
    expect(counters.get('netflow.datagrams')).toBe(20_000);
  });
});

describe('bounds', () => {
  it('a flood of 100k templates keeps the table at its bound and counts evictions', () => {
    const { c, counters } = setup({ maxTemplates: 1000 });
    for (let i = 0; i < 100_000; i += 50) {
      const recs: number[][] = [];
      for (let k = 0; k < 50; k++) recs.push(ipv4Template(256 + ((i + k) % 65280)));
      // spread over many observation domains so ids do not just overwrite each other
      c.handleDatagram(ipfix(T0, 0, Math.floor(i / 1000), set(2, ...recs)), EXP, i);
    }
    expect(counters.get('netflow.templates')).toBe(100_000);
    expect(c.templateCount()).toBe(1000);
    expect(counters.get('netflow.template_evicted')).toBe(99_000);
    expect(c.exporters()[0]?.templates).toBe(1000);
  });

  it('unpaired records beyond the pending bound are emitted one-sided and counted', () => {
    const { c, counters, flows } = setup({ maxPendingRecords: 100 });
    c.handleDatagram(ipfix(T0, 0, 0, set(2, ipv4Template(256))), EXP, 1);
    for (let i = 0; i < 1000; i++) {
      c.handleDatagram(ipfix(T0, i, 0, set(256, ipv4Record('10.0.0.1', '192.0.2.99', 1024 + i, 80, 6, 100, 1, T0 * 1000))), EXP, i);
      expect(c.pendingRecords()).toBeLessThanOrEqual(100);
    }
    expect(counters.get('netflow.pair_evicted')).toBe(900);
    expect(flows).toHaveLength(900);
    c.flush(Infinity);
    expect(flows).toHaveLength(1000);
  });

  it('exporters not on the allowlist are dropped and counted', () => {
    const { c, counters } = setup({ allowExporters: ['192.0.2.1'] });
    c.handleDatagram(ipfix(T0, 0, 0, set(2, ipv4Template(256))), { address: '::ffff:192.0.2.1', port: 1 }, 1);
    c.handleDatagram(ipfix(T0, 0, 0, set(2, ipv4Template(256))), { address: '198.51.100.1', port: 1 }, 1);
    expect(counters.get('netflow.exporter_not_allowed')).toBe(1);
    expect(c.exporters().map((e) => e.address)).toEqual(['192.0.2.1']);
  });
});
