import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One message as the private rsyslog parsed it (fields from its RFC 5424/3164 parser). */
export interface Received {
  readonly pri: string;
  readonly version: string;
  readonly hostname: string;
  readonly app: string;
  readonly procid: string;
  readonly msgid: string;
  readonly sd: string;
  readonly msg: string;
  readonly raw: string;
  readonly input: string;
}

/** A private rsyslogd on 127.0.0.1: plain TCP (imptcp), UDP (imudp) and TLS (imtcp + gtls). */
export interface Rsyslog {
  readonly dir: string;
  readonly tcpPort: number;
  readonly udpPort: number;
  readonly tlsPort: number;
  /** PEM of the test CA that signed the listener's certificate (SAN IP:127.0.0.1, DNS:localhost) */
  readonly caFile: string;
  /** a client certificate and key signed by the same CA */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** every message received so far (one JSON line each in out.jsonl) */
  messages(): Received[];
  /** the raw output file lines */
  lines(): string[];
  /** waits (polling, bounded by `maxWaitMs`) until at least n messages arrived; returns them */
  waitFor(n: number, maxWaitMs?: number): Promise<Received[]>;
  /** stops it and removes its directory */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function makeCerts(dir: string): void {
  const ssl = (...args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }); };
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=exfilwatch test CA');
  for (const [name, san] of [['server', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], ['client', 'subjectAltName=DNS:sensor.test']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), `${san}\nbasicConstraints=CA:FALSE\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }
}

function config(dir: string, tcpPort: number, udpPort: number, tlsPort: number): string {
  return `
global(workDirectory="${dir}/work" maxMessageSize="256k"
  defaultNetstreamDriverCAFile="${dir}/ca.pem"
  defaultNetstreamDriverCertFile="${dir}/server.pem"
  defaultNetstreamDriverKeyFile="${dir}/server.key")
module(load="imptcp")
module(load="imudp")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imptcp" address="127.0.0.1" port="${tcpPort}" name="tcp")
input(type="imudp" address="127.0.0.1" port="${udpPort}" name="udp")
input(type="imtcp" address="127.0.0.1" port="${tlsPort}" name="tls")
template(name="fields" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="raw" name="rawmsg" format="jsonf")
  property(outname="input" name="inputname" format="jsonf")
}
action(type="omfile" file="${dir}/out.jsonl" template="fields")
`;
}

/**
 * Creates (not starts) a private rsyslogd: its own directory, config, pid file, test CA and three
 * free 127.0.0.1 ports. Call start() and, in afterAll, dispose().
 */
export async function createRsyslog(): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-rsyslog-'));
  mkdirSync(join(dir, 'work'));
  makeCerts(dir);
  const tcpPort = await freePort();
  const udpPort = await freePort();
  const tlsPort = await freePort();
  const confFile = join(dir, 'rsyslog.conf');
  writeFileSync(confFile, config(dir, tcpPort, udpPort, tlsPort));
  const out = join(dir, 'out.jsonl');
  let child: ChildProcess | undefined;

  const lines = (): string[] => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l !== '') : []);
  const messages = (): Received[] => lines().map((l) => JSON.parse(l) as Received);

  async function stop(): Promise<void> {
    const c = child;
    if (c === undefined) return;
    child = undefined;
    if (c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => { c.kill('SIGKILL'); }, 5000);
      c.once('exit', () => { clearTimeout(t); resolve(); });
      c.kill('SIGTERM');
    });
  }

  return {
    dir, tcpPort, udpPort, tlsPort,
    caFile: join(dir, 'ca.pem'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
    async start() {
      if (child !== undefined) return;
      const c = spawn('rsyslogd', ['-n', '-f', confFile, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      c.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
      child = c;
      for (let i = 0; i < 200; i++) {
        if (c.exitCode !== null) throw new Error(`rsyslogd exited ${c.exitCode}: ${stderr}`);
        if (await probe(tcpPort) && await probe(tlsPort)) { await sleep(100); return; }
        await sleep(50);
      }
      throw new Error(`rsyslogd did not listen on ${tcpPort}/${tlsPort}: ${stderr}`);
    },
    stop,
    messages,
    lines,
    async waitFor(n, maxWaitMs = 30_000) {
      for (let waited = 0; waited <= maxWaitMs; waited += 50) {
        const m = messages();
        if (m.length >= n) return m;
        await sleep(50);
      }
      return messages();
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
