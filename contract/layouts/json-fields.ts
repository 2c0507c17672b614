/**
 * Typed reads of one JSON object's fields with one-line reasons ("field port: expected an integer, got
 * \"x\""). Hand-written rather than zod: the Kafka and Curator decoders run once per broker or instance,
 * 10,000 of them in the benchmark, and the messages name the upstream field exactly.
 */
import { fail, ok, shown, type Decoded } from './decoded.ts';

export type Json = Record<string, unknown>;

export const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Thrown only inside this module's callers' `fields()` blocks and caught there: never escapes a decoder. */
export class FieldError extends Error {}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export class Fields {
  constructor(private readonly obj: Json) {}

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  private bad(key: string, expected: string): never {
    throw new FieldError(`field ${key}: expected ${expected}, got ${shown(this.obj[key])}`);
  }

  private missing(key: string, expected: string): never {
    throw new FieldError(`field ${key}: required (${expected})`);
  }

  string(key: string): string {
    const v = this.obj[key];
    if (v === undefined) this.missing(key, 'a string');
    if (typeof v !== 'string') this.bad(key, 'a string');
    return v;
  }

  /** A string, or null when absent or JSON null. */
  optString(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.bad(key, 'a string');
    return v;
  }

  /** A 32-bit signed integer (Java int), as Jackson's `to[Int]` reads it: a JSON number without fraction. */
  int(key: string): number {
    const v = this.obj[key];
    if (v === undefined) this.missing(key, 'an integer');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) this.bad(key, 'a 32-bit integer');
    return v;
  }

  optInt(key: string): number | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    return this.int(key);
  }

  /** A Java long written as a decimal string (Kafka's timestamps) or as a number; null when absent. */
  optLongish(key: string): number | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d{1,16}$/.test(v)) return Number(v);
    this.bad(key, 'a decimal integer (number or string)');
  }

  intArray(key: string): number[] {
    const v = this.obj[key];
    if (v === undefined) this.missing(key, 'an array of integers');
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= INT32_MIN && x <= INT32_MAX)) {
      this.bad(key, 'an array of 32-bit integers');
    }
    return v as number[];
  }

  stringArray(key: string): string[] {
    const v = this.obj[key];
    if (v === undefined) this.missing(key, 'an array of strings');
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) this.bad(key, 'an array of strings');
    return v as string[];
  }

  /** One of `values`, or null when absent or JSON null. */
  optEnum<T extends string>(key: string, values: readonly T[]): T | null {
    const v = this.optString(key);
    if (v === null) return null;
    if (!(values as readonly string[]).includes(v)) this.bad(key, `one of ${values.join(', ')}`);
    return v as T;
  }

  optBoolean(key: string): boolean | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'boolean') this.bad(key, 'a boolean');
    return v;
  }
}

/**
 * Decode `data` as a JSON object and read it with `read`; a FieldError becomes the reason. Any other
 * exception is a bug of ours, but it still becomes a reason rather than escaping into the collector.
 */
export function readJsonObject<T>(parsed: Decoded<unknown>, what: string, read: (f: Fields) => T): Decoded<T> {
  if (!parsed.ok) return parsed;
  if (!isObject(parsed.value)) return fail(`${what}: expected a JSON object, got ${shown(parsed.value)}`);
  try {
    return ok(read(new Fields(parsed.value)));
  } catch (err) {
    return fail(`${what}: ${err instanceof FieldError ? err.message : `could not read (${String(err)})`}`);
  }
}
