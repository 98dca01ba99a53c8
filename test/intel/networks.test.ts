import { describe, expect, it } from 'vitest';
import { createNetworks, type Networks } from '../../src/intel/networks.js';

function nets(opts: Parameters<typeof createNetworks>[0] = {}): Networks {
  const r = createNetworks(opts);
  if (!r.ok) throw new Error(r.error);
  return r.networks;
}

describe('local networks', () => {
  const n = nets();
  it('default to RFC 1918, CGNAT, loopback, link-local and unique-local', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', 'fd12::1', 'fe80::1', '::1']) {
      expect(n.isLocal(ip), ip).toBe(true);
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', '::2', 'garbage']) expect(n.isLocal(ip), ip).toBe(false);
  });
  it('give the ECS direction', () => {
    expect(n.direction('10.0.0.5', '185.206.24.1')).toBe('outbound');
    expect(n.direction('185.206.24.1', '10.0.0.5')).toBe('inbound');
    expect(n.direction('10.0.0.5', '192.168.0.1')).toBe('internal');
    expect(n.direction('8.8.8.8', '1.1.1.1')).toBe('external');
    expect(n.direction('fd00::1', '2001:db8::1')).toBe('outbound');
  });
  it('can be replaced', () => {
    const custom = nets({ localNets: ['198.51.100.0/24'] });
    expect(custom.isLocal('198.51.100.9')).toBe(true);
    expect(custom.isLocal('10.0.0.1')).toBe(false);
  });
});

describe('zones', () => {
  it('default to containers for the Docker bridge and the Kubernetes pod network', () => {
    const n = nets();
    expect(n.zoneOf('172.17.0.2')).toBe('containers');
    expect(n.zoneOf('10.244.3.9')).toBe('containers');
    expect(n.zoneOf('10.0.0.1')).toBeUndefined();
  });
  it('are overridable and the most specific zone wins', () => {
    const n = nets({ zones: { servers: ['10.0.0.0/8'], backup: ['10.0.5.0/24'] } });
    expect(n.zoneOf('10.0.5.20')).toBe('backup');
    expect(n.zoneOf('10.1.0.1')).toBe('servers');
    expect(n.zoneOf('172.17.0.2')).toBeUndefined();
  });
  it('errors name the setting and entry', () => {
    expect(createNetworks({ localNets: ['10.0.0.0/8', 'x'], origin: 'cfg.yaml' })).toEqual({ ok: false, error: "cfg.yaml: local_nets[1]: not a valid IP prefix: 'x'" });
    expect(createNetworks({ zones: { lab: ['10.0.0.0/99'] } })).toEqual({ ok: false, error: "zones.lab[0]: not a valid IP prefix: '10.0.0.0/99'" });
  });
});
