/**
 * MEGA scenarios: rclone's default cleartext upload, the --mega-use-https variant, the same upload
 * with neither DNS nor SNI, a download that must stay quiet, low-and-slow uploads, and DNS alone.
 */
import type { Capture } from './capture.js';
import { MS, SEC, T0, client, httpExchange, openTls, resolve, tcpTo, tlsSend } from './common.js';
import type { Scenario } from './scenario.js';
import { openTcpSession, type TcpSession } from './tcp-session.js';

/** MEGA's API host and storage nodes, addresses inside AS205809 prefixes (66.203.126.0/23, 185.206.24.0/22). */
export const MEGA = {
  asNumber: 205809,
  api: { name: 'g.api.mega.co.nz', ip: '66.203.127.12' },
  storage: [
    { name: 'gfs270n071.userstorage.mega.co.nz', ip: '185.206.25.71' },
    { name: 'gfs302n203.userstorage.mega.co.nz', ip: '185.206.26.203' },
    { name: 'gfs214n118.userstorage.mega.co.nz', ip: '66.203.126.118' },
  ],
} as const;

const RCLONE_UA = 'rclone/v1.66.0';
const MiB = 1024 * 1024;

function uploadToken(cap: Capture): string {
  return Buffer.from(cap.rng.bytes(32)).toString('base64url');
}

/** go-mega's chunk sizes: 128 KiB, 256 KiB, … up to 1 MiB, then 1 MiB. */
function chunkSize(i: number): number {
  return Math.min(i + 1, 8) * 128 * 1024;
}

/** A few small API calls over TLS to g.api.mega.co.nz. */
function apiCalls(cap: Capture, s: TcpSession, calls: number, firstDelayUs = 5 * MS): void {
  for (let i = 0; i < calls; i++) {
    tlsSend(s, 'c', cap.rng.int(300, 700), i === 0 ? firstDelayUs : 5 * MS, false);
    tlsSend(s, 's', cap.rng.int(400, 1500), cap.rng.int(40, 90) * MS, false);
  }
}

const STORAGE_HEADERS = ['Access-Control-Allow-Origin: *', 'Access-Control-Max-Age: 86400', 'Content-Type: text/plain'];

/** 1. rclone's default: TLS to the API, then cleartext POSTs of chunks to two storage nodes, 4 transfers. */
export const megaUploadRclone: Scenario = {
  file: 'mega-upload-rclone.pcap',
  description: 'rclone copy to MEGA with default settings: DNS for g.api.mega.co.nz and two gfs…userstorage.mega.co.nz nodes, a small TLS session to the API, then 4 parallel cleartext HTTP POST chunk uploads (User-Agent rclone/v1.66.0) on port 80, ~126 MB out.',
  build(cap) {
    const c = client(cap, '10.20.30.41');
    let t = resolve(cap, c, MEGA.api.name, MEGA.api.ip, T0, 300);
    const api = openTls(cap, tcpTo(c, MEGA.api.ip, 443, t + 200, 31 * MS, 50e6, 100e6), { sni: MEGA.api.name, alpn: ['h2', 'http/1.1'], profile: 'go' });
    apiCalls(cap, api, 3);
    t = api.readyAt('c');
    const storage = [MEGA.storage[0], MEGA.storage[1]];
    for (const node of storage) t = resolve(cap, c, node.name, node.ip, t + 300);
    const ends: number[] = [];
    for (let k = 0; k < 4; k++) {
      const node = storage[k >> 1] ?? MEGA.storage[0];
      const opts = tcpTo(c, node.ip, 80, t + 1 * MS + k * 7 * MS, 28 * MS, 40e6, 40e6);
      const s = openTcpSession(cap, opts);
      const token = uploadToken(cap);
      const size = 30 * MiB + cap.rng.int(0, 512 * 1024);
      let off = 0;
      for (let i = 0; off < size; i++) {
        const len = Math.min(chunkSize(i), size - off);
        const lastChunk = off + len >= size;
        httpExchange(cap, s, opts, {
          method: 'POST', target: `/ul/${token}/${off}`, host: node.name, userAgent: RCLONE_UA,
          headers: [`User-Agent: ${RCLONE_UA}`, `Content-Length: ${len}`, 'Accept-Encoding: gzip'], bodyBytes: len,
          response: { code: 200, reason: 'OK', headers: STORAGE_HEADERS, body: lastChunk ? Buffer.from(cap.rng.bytes(27)).toString('base64url') : '' },
          serverDelayUs: cap.rng.int(15, 45) * MS,
        });
        off += len;
      }
      ends.push(s.close('c', 300 * MS));
    }
    const done = Math.max(...ends);
    apiCalls(cap, api, 1, Math.max(0, done - api.readyAt('c')) + 20 * MS); // completes the upload (putnodes)
    api.close('c', 200 * MS);
    return {
      alerts: [{ rule: 'cloud-storage-upload', technique: 'T1567.002', sourceIp: c.ip, service: 'mega', ips: [MEGA.api.ip, ...storage.map((n) => n.ip)], domain: 'userstorage.mega.co.nz', asNumber: MEGA.asNumber }],
      notes: ['Storage-node bulk segments keep 96 bytes; every segment that starts a POST (request line and headers) is whole.'],
    };
  },
};

/** Shared body of the TLS upload scenarios. */
function megaTlsUpload(cap: Capture, opts: { dns: boolean; sni: boolean; midStream: (k: number) => boolean; perConn: number }): string[] {
  const c = client(cap, '10.20.30.41');
  const storage = [MEGA.storage[0], MEGA.storage[1]];
  let t = T0;
  if (opts.dns) for (const node of storage) t = resolve(cap, c, node.name, node.ip, t + 300);
  for (let k = 0; k < 4; k++) {
    const node = storage[k >> 1] ?? MEGA.storage[0];
    const tcp = tcpTo(c, node.ip, 443, t + 1 * MS + k * 9 * MS, 29 * MS, 40e6, 40e6, { midStream: opts.midStream(k) });
    let s: TcpSession;
    if (opts.midStream(k)) s = openTcpSession(cap, tcp);
    else s = openTls(cap, tcp, { ...(opts.sni ? { sni: node.name } : {}), alpn: ['http/1.1'], profile: 'go' });
    let sent = 0;
    for (let i = 0; sent < opts.perConn; i++) {
      const len = Math.min(chunkSize(i), opts.perConn - sent);
      tlsSend(s, 'c', len + cap.rng.int(230, 260));
      tlsSend(s, 's', cap.rng.int(160, 200), cap.rng.int(15, 45) * MS, false);
      sent += len;
    }
    s.close('c', 300 * MS);
  }
  return storage.map((n) => n.ip);
}

/** 2. rclone with --mega-use-https: the storage nodes over TLS, names in DNS and SNI. */
export const megaUploadTls: Scenario = {
  file: 'mega-upload-tls.pcap',
  description: 'rclone to MEGA with --mega-use-https: DNS for two gfs…userstorage.mega.co.nz nodes, then 4 parallel TLS 1.3 uploads with those names in the SNI, ~60 MB out.',
  build(cap) {
    const ips = megaTlsUpload(cap, { dns: true, sni: true, midStream: () => false, perConn: 15 * MiB });
    return {
      alerts: [{ rule: 'cloud-storage-upload', technique: 'T1567.002', sourceIp: '10.20.30.41', service: 'mega', ips, domain: 'userstorage.mega.co.nz', asNumber: MEGA.asNumber }],
      notes: ['Application-data segments keep 96 bytes; ClientHello and server handshake are whole.'],
    };
  },
};

/** 3. The same TLS upload with no DNS and no SNI: only the AS205809 address can tell. */
export const megaUploadNoDns: Scenario = {
  file: 'mega-upload-nodns.pcap',
  description: 'TLS uploads to MEGA storage addresses (AS205809) with no DNS in the capture: two connections send a ClientHello without server_name, two are already running when the capture starts (no handshake). ~60 MB out.',
  build(cap) {
    const ips = megaTlsUpload(cap, { dns: false, sni: false, midStream: (k) => k % 2 === 1, perConn: 15 * MiB });
    return {
      alerts: [{ rule: 'cloud-storage-upload', technique: 'T1567.002', sourceIp: '10.20.30.41', service: 'mega', ips, asNumber: MEGA.asNumber }],
      notes: ['Connections 2 and 4 start mid-stream: their first packet is client data, no SYN.', 'Only the ASN (AS205809) identifies MEGA here.'],
    };
  },
};

/** 5. A large download from MEGA: upload-poor, must stay quiet. */
export const megaDownload: Scenario = {
  file: 'mega-download.pcap',
  description: 'rclone copy from MEGA: DNS, a TLS API session, then one cleartext HTTP GET of an 80 MiB file from a storage node (download-dominant): must stay quiet.',
  build(cap) {
    const c = client(cap, '10.20.30.41');
    let t = resolve(cap, c, MEGA.api.name, MEGA.api.ip, T0, 300);
    const api = openTls(cap, tcpTo(c, MEGA.api.ip, 443, t + 200, 31 * MS, 50e6, 100e6), { sni: MEGA.api.name, alpn: ['h2', 'http/1.1'], profile: 'go' });
    apiCalls(cap, api, 2);
    const node = MEGA.storage[2];
    t = resolve(cap, c, node.name, node.ip, api.readyAt('c') + 300);
    const opts = tcpTo(c, node.ip, 80, t + 1 * MS, 30 * MS, 20e6, 200e6);
    const s = openTcpSession(cap, opts);
    const size = 80 * MiB;
    const target = `/dl/${uploadToken(cap)}/0-${size - 1}`;
    s.send('c', Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${node.name}\r\nUser-Agent: ${RCLONE_UA}\r\nAccept-Encoding: gzip\r\n\r\n`, 'latin1'));
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`, 'latin1');
    s.stream('s').pushBytes(head);
    s.stream('s').pushRandom(size);
    s.send('s', head.length + size, { delayUs: 25 * MS, keepWhole: head.length });
    cap.facts.http.push({ clientIp: c.ip, serverIp: node.ip, serverPort: 80, method: 'GET', host: node.name, target, userAgent: RCLONE_UA, contentLength: 0, responseCode: 200 });
    const end = s.close('c', 50 * MS);
    api.close('c', Math.max(0, end - api.readyAt('c')) + 10 * MS);
    return { alerts: [], notes: ['Download-dominant: producer-consumer ratio near -1; no alert.'] };
  },
};

/** 9. Sixty ~1 MB TLS uploads over ~50 minutes: no flow passes 5 MB, the sum passes 50 MB. */
export const lowAndSlow: Scenario = {
  file: 'low-and-slow.pcap',
  description: 'One host makes 60 TLS uploads of ~1 MB each to MEGA storage nodes (DNS + SNI), one every ~50 s for ~50 minutes: every flow stays under 5 MB, the host total passes 50 MB.',
  build(cap) {
    const c = client(cap, '10.20.30.77');
    let t = T0;
    for (let i = 0; i < 60; i++) {
      const node = MEGA.storage[i % 3] ?? MEGA.storage[0];
      const answered = resolve(cap, c, node.name, node.ip, t, 30);
      const s = openTls(cap, tcpTo(c, node.ip, 443, answered + 150, 30 * MS, 4e6, 20e6), { sni: node.name, alpn: ['http/1.1'], profile: 'go' });
      tlsSend(s, 'c', cap.rng.int(1_000_000, 1_150_000));
      tlsSend(s, 's', cap.rng.int(160, 200), 30 * MS, false);
      s.close('c', 100 * MS);
      t += 50 * SEC + cap.rng.int(-5000, 5000) * MS;
    }
    return {
      alerts: [{ rule: 'cloud-storage-upload-low-and-slow', technique: 'T1567.002', sourceIp: c.ip, service: 'mega', ips: MEGA.storage.map((n) => n.ip), domain: 'userstorage.mega.co.nz', asNumber: MEGA.asNumber }],
      notes: ['Each flow carries ~1 MB out: per-flow thresholds (5 MB) must not fire; the per-host window must.'],
    };
  },
};

/** 10. A storage-node name resolved and nothing else. */
export const dnsOnly: Scenario = {
  file: 'dns-only.pcap',
  description: 'A client resolves gfs214n118.userstorage.mega.co.nz and sends nothing else: a DNS indicator only, no upload, so no alert.',
  build(cap) {
    const c = client(cap, '10.20.30.52');
    resolve(cap, c, MEGA.storage[2].name, MEGA.storage[2].ip, T0);
    return { alerts: [], notes: ['The dns event must name the storage node; no bytes left for MEGA, so alerts stay empty.'] };
  },
};
