/** Every scenario, in the order of docs/sample-captures.md. */
import { backupS3Allowlisted, containerHttpPut, ftpStor, s3Upload } from './scenarios-cloud.js';
import { dnsOnly, lowAndSlow, megaDownload, megaUploadNoDns, megaUploadRclone, megaUploadTls } from './scenarios-mega.js';
import { benignMix, dnsTcp, truncated, twoInterfaces, vlanIpv6 } from './scenarios-protocol.js';
import type { Scenario } from './scenario.js';

/** All captures the generator writes. */
export const SCENARIOS: readonly Scenario[] = [
  megaUploadRclone, megaUploadTls, megaUploadNoDns, s3Upload, megaDownload, backupS3Allowlisted, containerHttpPut, ftpStor,
  lowAndSlow, dnsOnly, dnsTcp, vlanIpv6, twoInterfaces, truncated, benignMix,
];
