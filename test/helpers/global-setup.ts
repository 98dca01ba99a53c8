import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateAll } from '../../pcaps/generate.js';

/** Generates the sample captures once per run when they are missing (they are not committed). */
export default async function setup(): Promise<void> {
  const dir = join(import.meta.dirname, '../../pcaps');
  if (!existsSync(join(dir, 'mega-upload-rclone.pcap'))) await generateAll(dir);
}
