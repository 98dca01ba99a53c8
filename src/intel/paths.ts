/** File names inside an intel directory, and where the shipped one is. */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

export const ASN_PREFIXES_CSV = 'asn-prefixes.csv';
export const ASN_PROVIDERS_CSV = 'asn-providers.csv';
export const EMBEDDED_MMDB = 'embedded-asn.mmdb';
export const AWS_RANGES_JSON = 'aws-ip-ranges.json';
export const GOOGLE_CLOUD_JSON = 'google-cloud.json';
export const AZURE_TAGS_JSON = 'azure-service-tags.json';
export const DOMAINS_CSV = 'domains.csv';
export const JA4_CSV = 'ja4.csv';
/** folder of plain prefix lists (`*.txt`, one prefix a line, a `# label:` header) */
export const LISTS_DIR = 'lists';

/**
 * The intel/ folder shipped at the repository (package) root. This module sits two levels below the
 * root both as source (src/intel/) and compiled (dist/intel/), so the path is the same from either.
 */
export function defaultIntelDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'intel');
}
