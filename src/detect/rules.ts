import type { TechniqueId } from '../core/types.js';

/** One detection rule: what `exfilwatch rules` lists and what every alert names. */
export interface Rule {
  readonly id: string;
  readonly name: string;
  readonly technique: TechniqueId;
  readonly description: string;
}

/** The catalog of rules, one place for ids, names and MITRE mapping. */
export const RULES = {
  cloudUpload: {
    id: 'EXF-1001',
    name: 'Upload to cloud storage',
    technique: 'T1567.002',
    description: 'An internal host sent more than the upload floor to a cloud-storage service (by intel range, ASN, DNS name, SNI or HTTP Host) with upload-dominant traffic, summed over parallel and successive connections in the window.',
  },
  dnsUploadDomain: {
    id: 'EXF-1002',
    name: 'Cloud-storage upload host resolved',
    technique: 'T1567.002',
    description: 'A client resolved a cloud-storage upload host (e.g. *.userstorage.mega.co.nz). Low risk on its own; kept as evidence that raises a later upload alert from the same client.',
  },
  httpUpload: {
    id: 'EXF-1003',
    name: 'Large HTTP upload to an external host',
    technique: 'T1020',
    description: 'HTTP PUT/POST requests with large bodies (e.g. curl --upload-file) sent an upload-dominant volume to an external host that is not a known cloud service.',
  },
  ftpUpload: {
    id: 'EXF-1004',
    name: 'FTP upload to an external host',
    technique: 'T1020',
    description: 'An FTP STOR whose data connection sent an upload-dominant volume to an external server.',
  },
  externalUpload: {
    id: 'EXF-1005',
    name: 'Large upload to an external host',
    technique: 'T1048',
    description: 'Upload-dominant volume to an external host over a protocol the sensor does not otherwise recognise as an upload.',
  },
} as const satisfies Record<string, Rule>;

export type RuleKey = keyof typeof RULES;
