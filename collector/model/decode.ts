/**
 * Decoders for the znode data of docs/contract.md §2. Each returns a result instead of throwing, with a
 * one-line reason a human can act on ("field heartbeatMs: expected a number, got string").
 *
 * Lenient where harmless: unknown extra fields are ignored, missing or null optional fields become
 * null, and empty data counts as `{}` (so a worker node without data is valid with every field null).
 * Strict about types: a field that is present must have the documented type.
 */
import { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface WorkerData {
  id: string | null;
  host: string | null;
  pid: number | null;
  startedAt: number | null;
  heartbeatMs: number | null;
  state: 'ready' | 'busy' | 'leaving' | null;
  meta: unknown;
}

export interface MasterData {
  id: string | null;
  since: number | null;
}

export interface CandidateData {
  id: string | null;
}

export interface StatusData {
  worker: string | null;
  done: number;
  total: number;
  state: 'running' | 'done' | 'failed';
  message: string | null;
  updatedAt: number | null;
}

const optString = z.string().nullish();
const optNumber = z.number().nullish();

export const workerSchema = z.object({
  id: optString,
  host: optString,
  pid: optNumber,
  startedAt: optNumber,
  heartbeatMs: optNumber,
  state: z.enum(['ready', 'busy', 'leaving']).nullish(),
  meta: z.unknown().optional(),
});

export const masterSchema = z.object({ id: optString, since: optNumber });

export const candidateSchema = z.object({ id: optString });

export const statusSchema = z.object({
  worker: optString,
  done: z.number(),
  total: z.number(),
  state: z.enum(['running', 'done', 'failed']),
  message: optString,
  updatedAt: optNumber,
});

const MAX_SHOWN = 60;

/** Collapse whitespace and cut long text so a reason stays one short line. */
function oneLine(text: string): string {
  const flat = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
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
  return `${at}: ${oneLine(issue.message)}`;
}

// Hand-written checks of the valid shapes (the hot path: every heartbeat is decoded). Each accepts
// exactly what its schema accepts, or less; anything they refuse goes to zod, which decides and names
// the problem. The decoders below read only the schema's fields, so extra keys need no stripping.
const isOptString = (x: unknown): boolean => x === undefined || x === null || typeof x === 'string';
const isOptNumber = (x: unknown): boolean => x === undefined || x === null || (typeof x === 'number' && Number.isFinite(x));
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function isWorkerShape(x: unknown): boolean {
  if (!isObject(x)) return false;
  const s = x.state;
  return (
    isOptString(x.id) &&
    isOptString(x.host) &&
    isOptNumber(x.pid) &&
    isOptNumber(x.startedAt) &&
    isOptNumber(x.heartbeatMs) &&
    (s === undefined || s === null || s === 'ready' || s === 'busy' || s === 'leaving')
  );
}

const isMasterShape = (x: unknown): boolean => isObject(x) && isOptString(x.id) && isOptNumber(x.since);
const isCandidateShape = (x: unknown): boolean => isObject(x) && isOptString(x.id);

function isStatusShape(x: unknown): boolean {
  if (!isObject(x)) return false;
  const s = x.state;
  return (
    isOptString(x.worker) &&
    typeof x.done === 'number' &&
    Number.isFinite(x.done) &&
    typeof x.total === 'number' &&
    Number.isFinite(x.total) &&
    (s === 'running' || s === 'done' || s === 'failed') &&
    isOptString(x.message) &&
    isOptNumber(x.updatedAt)
  );
}

const OPEN_BRACE = 0x7b;

/**
 * Decode JSON text with a schema. `dataLength` is the znode's real size (stat.dataLength).
 * `fast` is the schema's hand-written check: data that is a JSON object of the valid shape skips zod.
 */
function decodeWith<S extends z.ZodType>(
  schema: S,
  fast: (input: unknown) => boolean,
  data: string | null,
  dataLength: number,
): Decoded<z.output<S>> {
  if (data !== null && data.charCodeAt(0) === OPEN_BRACE) {
    let input: unknown;
    try {
      input = JSON.parse(data);
    } catch {
      input = undefined; // the full path below parses it again and names the problem
    }
    if (input !== undefined && fast(input)) return { ok: true, value: input as z.output<S> };
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
    const parsed = schema.safeParse(input);
    if (parsed.success) return { ok: true, value: parsed.data };
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

export function decodeWorker(data: string | null, dataLength = 0): Decoded<WorkerData> {
  const r = decodeWith(workerSchema, isWorkerShape, data, dataLength);
  if (!r.ok) return r;
  const v = r.value;
  return {
    ok: true,
    value: {
      id: v.id ?? null,
      host: v.host ?? null,
      pid: v.pid ?? null,
      startedAt: v.startedAt ?? null,
      heartbeatMs: v.heartbeatMs ?? null,
      state: v.state ?? null,
      meta: v.meta ?? null,
    },
  };
}

export function decodeMaster(data: string | null, dataLength = 0): Decoded<MasterData> {
  const r = decodeWith(masterSchema, isMasterShape, data, dataLength);
  if (!r.ok) return r;
  return { ok: true, value: { id: r.value.id ?? null, since: r.value.since ?? null } };
}

export function decodeCandidate(data: string | null, dataLength = 0): Decoded<CandidateData> {
  const r = decodeWith(candidateSchema, isCandidateShape, data, dataLength);
  if (!r.ok) return r;
  return { ok: true, value: { id: r.value.id ?? null } };
}

export function decodeStatus(data: string | null, dataLength = 0): Decoded<StatusData> {
  const r = decodeWith(statusSchema, isStatusShape, data, dataLength);
  if (!r.ok) return r;
  const v = r.value;
  return {
    ok: true,
    value: {
      worker: v.worker ?? null,
      done: v.done,
      total: v.total,
      state: v.state,
      message: v.message ?? null,
      updatedAt: v.updatedAt ?? null,
    },
  };
}

/** R/tasks/<task> data is opaque: parsed when it is JSON, else the text; null when absent or too large. */
export function decodeTaskData(data: string | null): unknown {
  if (data === null || data === '') return null;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
