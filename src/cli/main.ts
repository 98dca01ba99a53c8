/** Entry point of the `exfilwatch` command; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stderr.write(`exfilwatch: not wired yet (${argv.join(' ')})\n`);
  return 2;
}
