/**
 * The fingerprint of an alert: a stable hash of its label set, independent of the order the labels
 * were written in (Alertmanager's fingerprint plays the same role). 16 hex digits: the first 64 bits
 * of sha256 over the sorted `name \xff value \xff` pairs; \xff never occurs in UTF-8 text, so two
 * different label sets cannot be framed into the same byte string.
 */
import { createHash } from 'node:crypto';
import type { Labels } from './types.ts';

const SEP = Buffer.from([0xff]);

/** label set → fingerprint: the rules re-make the same conditions at every evaluation */
const memo = new Map<string, string>();
const MEMO_MAX = 100_000;

/** by label-set object: a rule that re-makes a condition unchanged hands back the same labels (heartbeat-stale.ts) */
const byObject = new WeakMap<Labels, string>();

export function fingerprint(labels: Labels): string {
  const same = byObject.get(labels);
  if (same !== undefined) return same;
  const fp = fingerprintOf(labels);
  byObject.set(labels, fp);
  return fp;
}

function fingerprintOf(labels: Labels): string {
  const names = Object.keys(labels).sort();
  // an unambiguous key (JSON quotes every name and value), cheaper than a sha256 per condition
  let key = '';
  for (const name of names) key += `${JSON.stringify(name)}:${JSON.stringify(labels[name] ?? '')},`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const fp = hashOf(labels, names);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, fp);
  return fp;
}

function hashOf(labels: Labels, names: readonly string[]): string {
  const hash = createHash('sha256');
  for (const name of names) {
    hash.update(name, 'utf8');
    hash.update(SEP);
    hash.update(labels[name] ?? '', 'utf8');
    hash.update(SEP);
  }
  return hash.digest('hex').slice(0, 16);
}
