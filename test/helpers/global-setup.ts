import { join } from 'node:path';
import { generateAll } from '../../pcaps/generate.js';

/** Writes the sample captures afresh for every run (they are not committed; a few seconds). */
export default async function setup(): Promise<void> {
  await generateAll(join(import.meta.dirname, '../../pcaps'), { force: true });
}
