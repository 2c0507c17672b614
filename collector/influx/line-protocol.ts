/**
 * InfluxDB 1.x line protocol encoding (docs/contract.md §4).
 *
 * Text that comes from znode names and data is hostile: whatever it holds, one Point encodes to
 * exactly one line that InfluxDB parses as exactly one point. To get there, text is sanitized:
 *  - control characters (U+0000–U+001F, U+007F, so also `\n` and `\r`) and lone UTF-16 surrogates
 *    become U+FFFD (the Unicode replacement character) — line protocol cannot carry a newline at all;
 *  - in measurements, tag keys, tag values and field keys a backslash that would stand right before
 *    a character we escape (or at the very end) also becomes U+FFFD: InfluxDB would read it as
 *    escaping the separator that follows and run the tag into the next one;
 *  - tags with an empty key or value are dropped (InfluxDB rejects them), so are tag/field keys named
 *    `time`; NaN/±Infinity fields are dropped; a point left with no field encodes to null.
 */

/** An integer field (`12i`); a bigint or a decimal string holds 64-bit values exactly. */
export interface IntField {
  int: number | bigint;
}

/** number → float, bigint or {int} → integer (`i` suffix), string → string, boolean → boolean. */
export type FieldValue = number | bigint | string | boolean | IntField;

export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue | null | undefined>;
  /** ms since the epoch */
  time: number;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NS_PER_MS = 1_000_000n;
const REPLACEMENT = '\uFFFD';

/**
 * An integer field. Numbers are truncated toward zero; a decimal string (e.g. a czxid) is read as a
 * bigint so no precision is lost. Values that are not integers / out of int64 range are dropped
 * when encoded.
 */
export function int(x: number | bigint | string | boolean): IntField {
  if (typeof x === 'boolean') return { int: x ? 1 : 0 };
  if (typeof x === 'string') return { int: /^-?\d+$/.test(x.trim()) ? BigInt(x.trim()) : Number.NaN };
  return { int: x };
}

// Control characters and unpaired surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces control characters and lone surrogates with U+FFFD. */
export function sanitizeText(s: string): string {
  return s.replace(UNSAFE, REPLACEMENT);
}

const MEASUREMENT_SPECIAL = /[, ]/g;
const MEASUREMENT_BAD_BACKSLASH = /\\(?=[, ]|$)/g;
const KEY_SPECIAL = /[,= ]/g;
const KEY_BAD_BACKSLASH = /\\(?=[,= ]|$)/g;

// Text with none of what the replacements below act on (control characters, surrogates, backslash,
// separators, quotes) encodes as itself: the common case, tested without building new strings.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PLAIN_KEY = /^[^\u0000-\u001f\u007f\ud800-\udfff\\,= ]*$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PLAIN_STRING = /^[^\u0000-\u001f\u007f\ud800-\udfff\\"]*$/;

function escapeWith(s: string, badBackslash: RegExp, special: RegExp): string {
  if (PLAIN_KEY.test(s)) return s;
  return sanitizeText(s).replace(badBackslash, REPLACEMENT).replace(special, (c) => `\\${c}`);
}

export function escapeMeasurement(s: string): string {
  return escapeWith(s, MEASUREMENT_BAD_BACKSLASH, MEASUREMENT_SPECIAL);
}

/** Tag keys, tag values and field keys. */
export function escapeKey(s: string): string {
  return escapeWith(s, KEY_BAD_BACKSLASH, KEY_SPECIAL);
}

export function escapeStringField(s: string): string {
  if (PLAIN_STRING.test(s)) return `"${s}"`;
  return `"${sanitizeText(s).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function toInt64(v: number | bigint): bigint | null {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (Number.isFinite(v)) b = BigInt(Math.trunc(v));
  else return null;
  return b >= INT64_MIN && b <= INT64_MAX ? b : null;
}

/** The encoded field value, or null when it cannot be represented (and the field is dropped). */
export function encodeFieldValue(v: FieldValue | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : null;
    case 'bigint': {
      const b = toInt64(v);
      return b === null ? null : `${b}i`;
    }
    case 'string':
      return escapeStringField(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default: {
      const b = toInt64(v.int);
      return b === null ? null : `${b}i`;
    }
  }
}

/** A point split into its series key (measurement + sorted tags), its field set and its time. */
export interface EncodedParts {
  series: string;
  fields: string;
  /** ms since the epoch, as an integer */
  ms: bigint;
}

export function encodeParts(p: Point): EncodedParts | null {
  if (!Number.isFinite(p.time)) return null;
  const measurement = escapeMeasurement(p.measurement);
  if (measurement === '' || measurement.startsWith('#')) return null; // '#' would make a comment line
  const tags: string[] = [];
  for (const [k, v] of Object.entries(p.tags)) {
    if (k === 'time' || typeof v !== 'string') continue;
    const key = escapeKey(k);
    const value = escapeKey(v);
    if (key !== '' && value !== '') tags.push(`${key}=${value}`);
  }
  tags.sort(); // InfluxDB prefers tags sorted by key; keys are unique so whole-pair order is key order
  const fields: string[] = [];
  for (const [k, v] of Object.entries(p.fields)) {
    if (k === 'time') continue;
    const key = escapeKey(k);
    const value = encodeFieldValue(v);
    if (key !== '' && value !== null) fields.push(`${key}=${value}`);
  }
  if (fields.length === 0) return null;
  return {
    series: tags.length > 0 ? `${measurement},${tags.join(',')}` : measurement,
    fields: fields.join(','),
    ms: BigInt(Math.round(p.time)),
  };
}

/**
 * One line, timestamp in NANOSECONDS (write with `precision=ns`): the point's ms time plus
 * `subMs` ns, which the writer uses to keep two points of one series in the same millisecond
 * from overwriting each other. Null when no field is representable.
 */
export function encodePoint(p: Point, subMs = 0): string | null {
  const parts = encodeParts(p);
  return parts === null ? null : lineOf(parts, subMs);
}

export function lineOf(parts: EncodedParts, subMs = 0): string {
  const offset = BigInt(Math.min(Math.max(Math.trunc(subMs), 0), 999_999));
  return `${parts.series} ${parts.fields} ${parts.ms * NS_PER_MS + offset}`;
}
