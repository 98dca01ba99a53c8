import type { DestinationIntel, Micros } from '../core/types.js';

/** What intel says of a DNS name: its provider and what the name is for. */
export interface DomainClass {
  readonly provider: string;
  readonly category: string;
  /** 'upload' for storage/upload hosts such as *.userstorage.mega.co.nz */
  readonly role?: string;
  /** e.g. `AWS S3`, `MEGA` */
  readonly service?: string;
}

/** An allowlist entry that sanctioned an alert. */
export interface AllowMatch {
  readonly id: string;
  readonly reason?: string;
}

/** The far side of an alert, as the allowlist is asked about it. */
export interface AllowDestination {
  readonly ip: string;
  readonly asNumber?: number;
  readonly domain?: string;
  readonly provider?: string;
  readonly service?: string;
}

/**
 * The part of intel detection reads. The pipeline adapts the intel facade to it, so detection can be
 * tested with a small table and does not depend on how intel is loaded.
 */
export interface DetectIntel {
  enrich(ip: string, domain?: string): DestinationIntel;
  classifyDomain(name: string): DomainClass | undefined;
  allowlisted(srcIp: string, dest: AllowDestination, ts: Micros): AllowMatch | undefined;
  zoneOf(ip: string): string | undefined;
  ja4Listed(ja4: string): string | undefined;
}
