/** Every scenario, in the order of docs/sample-captures.md. */
import type { Scenario } from './scenario.js';
import { dnsOnly, lowAndSlow, megaDownload, megaUploadNoDns, megaUploadRclone, megaUploadTls } from './scenarios-mega.js';

/** All captures the generator writes. */
export const SCENARIOS: readonly Scenario[] = [megaUploadRclone, megaUploadTls, megaUploadNoDns, megaDownload, lowAndSlow, dnsOnly];
