/**
 * What the collector keeps of a configuration key's data (docs/contract.md §9): the sha256 of the exact bytes,
 * and for keys that opt in to a diff, a short digest per top-level field of a JSON object, so a change can
 * name the fields that changed. The data itself never leaves the watch layer (collector/watch/tree-watcher.ts).
 * Pure.
 *
 * A digest hides a value only as well as the value is hard to guess: a field that is `true` or a port number
 * is found by hashing the few candidates. The digests are salted with nothing secret (they must agree across
 * collectors and replays); keep a secret key out of `diff` when its fields have few possible values.
 */
import { createHash } from 'node:crypto';

export interface ConfigFingerprint {
  /** sha256 of the exact bytes, lowercase hex; null when the data was larger than the limit */
  digest: string | null;
  /** top-level field name → short digest of its value (diff on, data a JSON object within the limit) */
  fields?: Record<string, string>;
}

export interface ConfigFingerprintOptions {
  /** keep a digest per top-level field when the data is a JSON object */
  diff: boolean;
  /** data longer than this gets no digest (the collector's maxDataBytes); default: no limit */
  maxBytes?: number;
}

/** hex characters of a field's digest: 64 bits, enough to tell two versions of one field apart */
export const FIELD_DIGEST_HEX = 16;
/** a JSON object with more fields than this gets none (a diff names a few fields; thousands are data) */
export const MAX_DIFF_FIELDS = 1000;

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** JSON with object keys sorted at every level: the same value gives the same text whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fingerprint of a key's data; `bytes` null: the data was not read (larger than the limit). */
export function configFingerprint(bytes: Uint8Array | null, options: ConfigFingerprintOptions): ConfigFingerprint {
  if (bytes === null || (options.maxBytes !== undefined && bytes.length > options.maxBytes)) return { digest: null };
  const digest = sha256(bytes);
  if (!options.diff) return { digest };
  const fields = fieldDigests(bytes);
  return fields === null ? { digest } : { digest, fields };
}

function fieldDigests(bytes: Uint8Array): Record<string, string> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const names = Object.keys(parsed);
  if (names.length > MAX_DIFF_FIELDS) return null;
  try {
    // fromEntries: a field named "__proto__" is an own field like any other
    return Object.fromEntries(names.map((name) => [name, sha256(canonical((parsed as Record<string, unknown>)[name])).slice(0, FIELD_DIGEST_HEX)]));
  } catch {
    // nesting deeper than the stack: no diff for this version (the digest of the bytes still says it changed)
    return null;
  }
}
