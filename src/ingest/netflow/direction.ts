import type { NetworkDirection } from '../../core/types.js';

// RFC 1918, CGNAT (RFC 6598), loopback, link-local; IPv6 ULA, loopback, link-local
const V4_LOCAL: ReadonlyArray<readonly [number, number]> = [
  [0x0a000000, 8], [0xac100000, 12], [0xc0a80000, 16], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
];

function v4ToInt(ip: string): number | undefined {
  const p = ip.split('.');
  if (p.length !== 4) return undefined;
  let v = 0;
  for (const x of p) {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

/** Whether an address (text) is private/local by the default rules (RFC 1918, 6598, 4193, loopback, link-local). */
export function isLocalAddress(ip: string): boolean {
  const v4 = v4ToInt(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
  if (v4 !== undefined) {
    return V4_LOCAL.some(([net, bits]) => Math.floor(v4 / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
  }
  const l = ip.toLowerCase();
  return l === '::1' || l.startsWith('fc') || l.startsWith('fd') || /^fe[89ab]/.test(l);
}

/** Default ECS network.direction: local → remote is outbound, remote → local inbound. */
export function defaultDirection(origIp: string, respIp: string): NetworkDirection {
  const o = isLocalAddress(origIp);
  const r = isLocalAddress(respIp);
  if (o && r) return 'internal';
  if (o) return 'outbound';
  if (r) return 'inbound';
  return 'external';
}
