/**
 * DomainSet: suffix matching of DNS names on label boundaries (`xuserstorage.mega.co.nz` does not
 * match `userstorage.mega.co.nz`), case-insensitive, tolerant of one trailing dot. A rule label may
 * hold one `{region}` placeholder that matches one label and captures it, e.g.
 * `s3.{region}.amazonaws.com` labels `bucket.s3.us-east-1.amazonaws.com` as AWS S3 in us-east-1.
 * The most specific rule wins (most labels matched; an exact label beats a placeholder).
 */

/** Kinds of destination the catalogue names. */
export type DomainCategory = 'cloud-storage' | 'file-sharing' | 'paste' | 'cloud' | 'cdn';
/** What the host is for: bulk upload/storage nodes, API endpoints, or web front ends. */
export type DomainRole = 'upload' | 'api' | 'web';

export const DOMAIN_CATEGORIES: readonly DomainCategory[] = ['cloud-storage', 'file-sharing', 'paste', 'cloud', 'cdn'];
export const DOMAIN_ROLES: readonly DomainRole[] = ['upload', 'api', 'web'];

/** The label of one rule. */
export interface DomainLabel {
  readonly provider: string;
  /** e.g. `AWS S3`, `MEGA`, `MEGA S4`, `Google Drive` */
  readonly service: string;
  readonly category: DomainCategory;
  readonly role: DomainRole;
  /** a fixed region for a rule without placeholder (e.g. `s3-external-1.amazonaws.com` is us-east-1) */
  readonly region?: string;
}

/** A match: the rule's label, the rule text and the captured region, if the rule has a placeholder. */
export interface DomainMatch extends DomainLabel {
  /** the rule that matched, e.g. `s3.{region}.amazonaws.com` */
  readonly rule: string;
  readonly region?: string;
}

/** A read-only suffix set. */
export interface DomainSet {
  readonly size: number;
  /** the most specific rule covering `name`, or undefined (also for malformed names) */
  match(name: string): DomainMatch | undefined;
}

interface Pattern {
  readonly prefix: string;
  readonly suffix: string;
  readonly node: TrieNode;
}

interface TrieNode {
  readonly exact: Map<string, TrieNode>;
  readonly patterns: Pattern[];
  rule?: DomainMatch;
  /** whether `rule` has a placeholder (its match captures a region) */
  capturing?: boolean;
}

const PLACEHOLDER = '{region}';
const MAX_NAME = 253;

function newNode(): TrieNode {
  return { exact: new Map(), patterns: [] };
}

/**
 * Normalises a DNS name for matching: lower case, one trailing dot removed.
 * @returns the labels, or undefined when the name is empty, too long (> 253) or has an empty label
 */
export function nameLabels(name: string): string[] | undefined {
  let n = name.length > 0 && name.charCodeAt(name.length - 1) === 46 ? name.slice(0, -1) : name;
  if (n.length === 0 || n.length > MAX_NAME) return undefined;
  n = n.toLowerCase();
  const labels = n.split('.');
  for (const l of labels) if (l.length === 0 || l.length > 63) return undefined;
  return labels;
}

/** Checks a rule suffix; returns a message when it is not a usable rule. */
export function checkRule(rule: string): string | undefined {
  const labels = nameLabels(rule);
  if (!labels) return `not a domain suffix: '${rule.slice(0, 80)}'`;
  let holes = 0;
  for (const l of labels) {
    const at = l.indexOf(PLACEHOLDER);
    if (at >= 0) {
      holes++;
      if (l.indexOf(PLACEHOLDER, at + 1) >= 0) holes++;
    } else if (!/^[a-z0-9_-]+$/.test(l)) return `bad label '${l}' in '${rule}'`;
  }
  if (holes > 1) return `at most one ${PLACEHOLDER} per rule: '${rule}'`;
  if (labels.length < 2) return `a rule needs at least two labels: '${rule}'`;
  return undefined;
}

/** Builds a DomainSet from rules (suffix → label). A rule given twice keeps the first; check rules first. */
export function createDomainSet(rules: Iterable<readonly [string, DomainLabel]>): DomainSet {
  const root = newNode();
  let size = 0;
  for (const [rule, label] of rules) {
    const labels = nameLabels(rule);
    if (!labels || checkRule(rule) !== undefined) throw new Error(`invalid domain rule '${rule}'`);
    let node = root;
    for (let i = labels.length - 1; i >= 0; i--) {
      const l = labels[i] ?? '';
      const at = l.indexOf(PLACEHOLDER);
      if (at < 0) {
        let next = node.exact.get(l);
        if (!next) {
          next = newNode();
          node.exact.set(l, next);
        }
        node = next;
        continue;
      }
      const prefix = l.slice(0, at);
      const suffix = l.slice(at + PLACEHOLDER.length);
      let p = node.patterns.find((x) => x.prefix === prefix && x.suffix === suffix);
      if (!p) {
        p = { prefix, suffix, node: newNode() };
        node.patterns.push(p);
        // the longest literal part first: `s3-website-{region}` is tried before `s3-{region}`
        node.patterns.sort((a, b) => b.prefix.length + b.suffix.length - (a.prefix.length + a.suffix.length));
      }
      node = p.node;
    }
    if (!node.rule) {
      node.rule = { ...label, rule: rule.toLowerCase().replace(/\.$/, '') };
      node.capturing = rule.includes(PLACEHOLDER);
      size++;
    }
  }

  let best: TrieNode | undefined;
  let bestDepth = -1;
  let bestRegion: string | undefined;
  // depth-first over the reversed labels; the trie is tiny and patterns few, so backtracking is cheap
  const walk = (node: TrieNode, labels: string[], depth: number, region: string | undefined): void => {
    if (node.rule && depth > bestDepth) {
      best = node;
      bestDepth = depth;
      bestRegion = region;
    }
    if (depth === labels.length) return;
    const l = labels[labels.length - 1 - depth] ?? '';
    const next = node.exact.get(l);
    if (next) walk(next, labels, depth + 1, region);
    for (const p of node.patterns) {
      if (l.length > p.prefix.length + p.suffix.length && l.startsWith(p.prefix) && l.endsWith(p.suffix)) {
        walk(p.node, labels, depth + 1, l.slice(p.prefix.length, l.length - p.suffix.length));
      }
    }
  };

  return {
    size,
    match(name) {
      const labels = nameLabels(name);
      if (!labels) return undefined;
      best = undefined;
      bestDepth = -1;
      bestRegion = undefined;
      walk(root, labels, 0, undefined);
      const found = best as TrieNode | undefined;
      if (!found?.rule) return undefined;
      if (found.capturing && bestRegion !== undefined) return { ...found.rule, region: bestRegion };
      return found.rule;
    },
  };
}
