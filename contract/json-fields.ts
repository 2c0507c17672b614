/**
 * JSON znode data described once, field by field, for both sides of the contract: the strict shape a writer
 * produces (`writerSchema`, `encodeWith`) and the lenient decode a reader applies (`decodeWith`). Each field
 * kind below defines its writer type and its reader rule together, so the two cannot drift.
 *
 * Reader rules: unknown extra fields are ignored, a missing or null optional field becomes null, empty data
 * counts as `{}`, and a field that is present must have the documented type. A refusal is one line a person
 * can act on ("field heartbeatMs: expected a number, got string").
 */
import { z } from 'zod';
import type { Decoded } from './layout.ts';

/**
 * One field: `write` is what a writer must produce, `read` what a reader accepts (its output is `R`), and
 * `check` a hand-written test of `read` for the hot path (it accepts exactly what `read` does, or less).
 */
export interface Field<W, R> {
  readonly write: z.ZodType<W>;
  readonly read: z.ZodType;
  readonly check: (value: unknown) => boolean;
  /** a reader needs it; otherwise missing or null reads as null */
  readonly required: boolean;
  /** the decoded type (never set; it carries R) */
  readonly decoded?: R;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fields = Record<string, Field<any, any>>;
/** The data a writer produces. */
export type Written<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer W, unknown> ? W : never };
/** The data a reader decodes. */
export type Read<F extends Fields> = { -readonly [K in keyof F]: F[K] extends Field<unknown, infer R> ? R : never };

const isFiniteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
const isOptString = (x: unknown): boolean => x === undefined || x === null || typeof x === 'string';
const isOptNumber = (x: unknown): boolean => x === undefined || x === null || isFiniteNumber(x);
const anything = (): boolean => true;

/** The field kinds of docs/contract.md §2's JSON data. */
export const field = {
  /** a string; readers: optional */
  string: (): Field<string, string | null> => ({ write: z.string(), read: z.string().nullish(), check: isOptString, required: false }),
  /** a string or null (writers say "none" with null); readers: optional */
  nullableString: (): Field<string | null, string | null> => ({
    write: z.string().nullable(),
    read: z.string().nullish(),
    check: isOptString,
    required: false,
  }),
  /** a finite number; readers: optional */
  number: (): Field<number, number | null> => ({ write: z.number(), read: z.number().nullish(), check: isOptNumber, required: false }),
  /** a finite number; readers: required */
  requiredNumber: (): Field<number, number> => ({ write: z.number(), read: z.number(), check: isFiniteNumber, required: true }),
  /** one of `values`; readers: optional */
  oneOf: <V extends string>(values: readonly [V, ...V[]]): Field<V, V | null> => ({
    write: z.enum(values),
    read: z.enum(values).nullish(),
    check: (x) => x === undefined || x === null || (values as readonly unknown[]).includes(x),
    required: false,
  }),
  /** one of `values`; readers: required */
  requiredOneOf: <V extends string>(values: readonly [V, ...V[]]): Field<V, V> => ({
    write: z.enum(values),
    read: z.enum(values),
    check: (x) => (values as readonly unknown[]).includes(x),
    required: true,
  }),
  /** a JSON object for writers; opaque to readers (any JSON value, null when missing) */
  opaqueObject: (): Field<Record<string, unknown>, unknown> => ({
    write: z.record(z.string(), z.unknown()),
    read: z.unknown().optional(),
    check: anything,
    required: false,
  }),
};

/** One node kind's JSON data: its fields, the writer's strict schema and the reader's lenient one. */
export interface JsonNode<F extends Fields> {
  /** what the node is, for messages: "worker data" */
  readonly what: string;
  readonly fields: F;
  /** strict: every field, of its writer type, nothing else */
  readonly writer: z.ZodType<Written<F>>;
  /** lenient: see the top of this file */
  readonly reader: z.ZodType;
  /** the hand-written check of `reader` */
  readonly check: (input: unknown) => boolean;
}

export function jsonNode<F extends Fields>(what: string, fields: F): JsonNode<F> {
  const write: Record<string, z.ZodType> = {};
  const read: Record<string, z.ZodType> = {};
  const entries = Object.entries(fields);
  for (const [name, f] of entries) {
    write[name] = f.write;
    read[name] = f.read;
  }
  const check = (input: unknown): boolean => {
    if (!isObject(input)) return false;
    for (const [name, f] of entries) if (!f.check(input[name])) return false;
    return true;
  };
  return { what, fields, writer: z.strictObject(write) as unknown as z.ZodType<Written<F>>, reader: z.object(read), check };
}

/** A writer's error: the data does not follow the contract (a bug of the writer, never of the input). */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/**
 * The JSON text a writer stores: the data checked against the strict schema (a wrong field throws a
 * ContractViolation naming it), its fields in the contract's order.
 */
export function encodeWith<F extends Fields>(node: JsonNode<F>, data: Written<F>): string {
  const parsed = node.writer.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const reason = first ? describeIssue(first, data) : 'invalid data';
    throw new ContractViolation(`${node.what} does not follow docs/contract.md: ${reason}`);
  }
  return JSON.stringify(parsed.data);
}

const MAX_SHOWN = 60;
const OPEN_BRACE = 0x7b;

/** Collapse whitespace and cut long text so a reason stays one short line. */
export function oneLine(text: string): string {
  const flat = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shown(value: unknown): string {
  if (typeof value === 'string') {
    const s = JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
    return oneLine(s);
  }
  return typeName(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/** One issue of a failed parse as a sentence. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const at = issue.path.length === 0 ? 'data' : `field ${issue.path.map(String).join('.')}`;
  const received = valueAt(input, issue.path);
  if (issue.code === 'invalid_type') {
    if (issue.path.length === 0 && issue.expected === 'object') {
      return `expected a JSON object, got ${typeName(received)}`;
    }
    if (received === undefined) return `${at}: required (${issue.expected})`;
    return `${at}: expected ${article(issue.expected)} ${issue.expected}, got ${typeName(received)}`;
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return `${at}: expected one of ${options}, got ${shown(received)}`;
  }
  if (issue.code === 'unrecognized_keys') return `${at}: not in the contract: ${issue.keys.join(', ')}`;
  return `${at}: ${oneLine(issue.message)}`;
}

/** The reader's parse: the input of the valid shape, or the reason. */
function parseJson(node: JsonNode<Fields>, data: string | null, dataLength: number): Decoded<Record<string, unknown>> {
  // the hot path: a JSON object of the valid shape skips zod
  if (data !== null && data.charCodeAt(0) === OPEN_BRACE) {
    let input: unknown;
    try {
      input = JSON.parse(data);
    } catch {
      input = undefined; // the full path below parses it again and names the problem
    }
    if (input !== undefined && node.check(input)) return { ok: true, value: input as Record<string, unknown> };
  }
  try {
    if (data === null && dataLength > 0) return { ok: false, reason: `data too large (${dataLength} bytes)` };
    const text = (data ?? '').replace(/^\uFEFF/, '');
    const empty = text.trim() === '';
    let input: unknown;
    if (empty) {
      input = {};
    } else {
      try {
        input = JSON.parse(text);
      } catch (err) {
        return { ok: false, reason: `not JSON: ${oneLine(err instanceof Error ? err.message : String(err))}` };
      }
    }
    const parsed = node.reader.safeParse(input);
    if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
    if (empty) return { ok: false, reason: 'no data' };
    const issues = parsed.error.issues;
    const first = issues[0];
    const head = first ? describeIssue(first, input) : 'invalid data';
    return { ok: false, reason: issues.length > 1 ? `${head} (+${issues.length - 1} more)` : head };
  } catch (err) {
    // zod and JSON.parse should not throw past the code above; never let anything escape.
    return { ok: false, reason: `undecodable: ${oneLine(err instanceof Error ? err.message : String(err))}` };
  }
}

/**
 * Decode a node's JSON text by its reader rules. `dataLength` is the node's real size (stat.dataLength):
 * data null with a length is data the collector did not read because it is too large.
 */
export function decodeWith<F extends Fields>(node: JsonNode<F>, data: string | null, dataLength = 0): Decoded<Read<F>> {
  const r = parseJson(node, data, dataLength);
  if (!r.ok) return r;
  const out: Record<string, unknown> = {};
  // only the contract's fields, in its order: extra keys are dropped, missing optional ones become null
  for (const name in node.fields) out[name] = node.fields[name]?.required ? r.value[name] : (r.value[name] ?? null);
  return { ok: true, value: out as Read<F> };
}
