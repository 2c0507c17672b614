/**
 * The fingerprint of an alert: a stable hash of its label set, independent of the order the labels
 * were written in (Alertmanager's fingerprint plays the same role). 16 hex digits: the first 64 bits
 * of sha256 over the sorted `name \xff value \xff` pairs; \xff never occurs in UTF-8 text, so two
 * different label sets cannot be framed into the same byte string.
 */
import { createHash } from 'node:crypto';
import type { Labels } from './types.ts';

const SEP = Buffer.from([0xff]);

export function fingerprint(labels: Labels): string {
  const hash = createHash('sha256');
  const names = Object.keys(labels).sort();
  for (const name of names) {
    hash.update(name, 'utf8');
    hash.update(SEP);
    hash.update(labels[name] ?? '', 'utf8');
    hash.update(SEP);
  }
  return hash.digest('hex').slice(0, 16);
}
