import type { NetworkDirection } from '../../core/types.js';

// RFC 1918, CGNAT (RFC 6598), loopback, link-local; IPv6 ULA, loopback, link-local
const V4_LOCAL: ReadonlyArray<readonly [number, number]> = [
  [0x0a000000, 8], [0xac100000, 12], [0xc0a80000, 16], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
];

/** Dotted quad of plain decimal parts (what ipToString writes) to a number, without splitting; else the general parse. */
// the same ranges as shift amounts and shifted prefixes, for a loop without destructuring
const V4_SHIFTS = V4_LOCAL.map(([, bits]) => 32 - bits);
const V4_NETS = V4_LOCAL.map(([net, bits]) => net >>> (32 - bits));

function v4ToInt(ip: string): number | undefined {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 48 && c <= 57 && digits < 3) { part = part * 10 + (c - 48); digits++; continue; }
    if (c === 46 && digits > 0 && dots < 3 && part <= 255) { v = v * 256 + part; part = 0; digits = 0; dots++; continue; }
    return v4ToIntGeneral(ip);
  }
  if (dots !== 3 || digits === 0 || part > 255) return v4ToIntGeneral(ip);
  return v * 256 + part;
}

// anything unusual (empty parts, leading '+', hex, spaces) keeps the Number() semantics it always had
function v4ToIntGeneral(ip: string): number | undefined {
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
    for (let i = 0; i < V4_NETS.length; i++) if (v4 >>> (V4_SHIFTS[i] ?? 0) === V4_NETS[i]) return true;
    return false;
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
