import type { Io } from './run.js';

const USAGE = `usage: exfilwatch <command> [options]

commands:
  replay FILE...        read pcap/pcapng captures ('-' = standard input) and print events
  live -i IFACE         capture on a SPAN/tap interface with libpcap
  netflow               collect NetFlow v5/v9/IPFIX (--listen udp://…) or replay exports (--read FILE)
  intel lookup IP|NAME  what every intel source says about an address or name
  intel import-aws FILE replace the shipped AWS ranges with a downloaded ip-ranges.json
  rules                 the detection rules, their MITRE mapping and thresholds
  help                  this text

Run 'exfilwatch <command> --help' for a command's options.
`;

type Command = (argv: readonly string[], io: Io) => Promise<number>;

// Each command's modules load when it runs, so a replay does not compile live capture, NetFlow or metrics.
const COMMANDS: Readonly<Record<string, Command>> = {
  replay: async (argv, io) => (await import('./replay.js')).runReplay(argv, io),
  live: async (argv, io) => (await import('./live.js')).runLive(argv, io),
  netflow: async (argv, io) => (await import('./netflow.js')).runNetflow(argv, io),
  rules: async (argv, io) => (await import('./rules.js')).runRules(argv, io),
  intel: async (argv, io) => (await import('../intel/command.js')).runIntelCommand(argv, { stdout: (t) => io.stdout.write(t), stderr: (t) => io.stderr.write(t) }),
};

/** Entry point of the `exfilwatch` command; returns the process exit code and never throws. */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write('exfilwatch 0.1.0\n');
    return 0;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    io.stderr.write(`exfilwatch: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await cmd(rest, io);
  } catch (e) {
    // A bug, not bad input: say what happened in one line; EXFILWATCH_DEBUG=1 shows the stack.
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr.write(`exfilwatch: internal error: ${msg}\n`);
    if (process.env['EXFILWATCH_DEBUG'] === '1' && e instanceof Error && e.stack) io.stderr.write(e.stack + '\n');
    return 70;
  }
}


