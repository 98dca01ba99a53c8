/**
 * A pair of network namespaces joined by a veth link, for live-capture tests. Names are unique per
 * process; destroy() removes both namespaces (and so the link) and is safe to call twice.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface VethPair {
  /** namespace and interface the sensor captures on */
  readonly sensorNs: string;
  readonly sensorIf: string;
  /** namespace and interface the traffic is sent from */
  readonly peerNs: string;
  readonly peerIf: string;
  destroy(): void;
}

let seq = 0;

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Creates the pair with IPv6 off (no router solicitations or DAD to pollute captures) and MTU 9000.
 * Returns a reason instead when the environment forbids namespaces (`ip netns add` fails).
 */
export function createVethPair(): { readonly ok: true; readonly pair: VethPair } | { readonly ok: false; readonly reason: string } {
  const tag = `${process.pid % 100_000}x${seq++}`;
  const sensorNs = `ewS${tag}`;
  const peerNs = `ewP${tag}`;
  const sensorIf = `ews${tag}`.slice(0, 15);
  const peerIf = `ewp${tag}`.slice(0, 15);
  const probe = spawnSync('ip', ['netns', 'add', sensorNs], { encoding: 'utf8' });
  if (probe.status !== 0) return { ok: false, reason: `ip netns add is not allowed here: ${(probe.stderr || probe.error?.message || '').trim()}` };
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    for (const ns of [sensorNs, peerNs]) spawnSync('ip', ['netns', 'del', ns]);
  };
  try {
    ip(['netns', 'add', peerNs]);
    ip(['link', 'add', sensorIf, 'netns', sensorNs, 'type', 'veth', 'peer', 'name', peerIf, 'netns', peerNs]);
    for (const [ns, dev] of [[sensorNs, sensorIf], [peerNs, peerIf]] as const) {
      ip(['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
      ip(['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${dev}.disable_ipv6=1`]);
      ip(['-n', ns, 'link', 'set', dev, 'mtu', '9000', 'up']);
    }
  } catch (e) {
    destroy();
    throw e;
  }
  return { ok: true, pair: { sensorNs, sensorIf, peerNs, peerIf, destroy } };
}
