/**
 * The recording's line schema, version 1: `{"v":1, ...WatchEvent}` (collector/watch/events.ts),
 * one JSON object a line. Validated with zod so a truncated or hand-edited file fails with the
 * line number and what is wrong, instead of corrupting the replayed models.
 *
 * The first line of each cluster in each file also carries `"root"`, the cluster's root znode
 * (optional v1 field: older recordings have none, older replayers ignore it), so that a replay
 * without --config names the real paths.
 */
import { z } from 'zod';
import { checkZkPath } from './config/validators.ts';
import type { WatchEvent } from './watch/events.ts';

export const RECORD_SCHEMA_VERSION = 1;

const time = z.number().finite();
/** standard base64 with padding, as Buffer.toString('base64') writes it */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const stat = z.object({
  czxid: z.string(),
  mzxid: z.string(),
  ctime: z.number(),
  mtime: z.number(),
  version: z.number(),
  cversion: z.number(),
  ephemeralOwner: z.string(),
  dataLength: z.number(),
  numChildren: z.number(),
});

const root = z
  .string()
  .superRefine((value, ctx) => {
    const problem = checkZkPath(value, 'root');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional();

/** the cluster's layout when it is not zkpulse: a built-in name or an inline custom spec (validated by the replay's config loader) */
const layout = z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional();

/** sha256 hex, as contract/config-digest.ts writes it */
const DIGEST = /^[0-9a-f]{64}$/;
/** a configuration key's fingerprint (NodeEvent.config): never the data */
const configFingerprint = z
  .object({
    digest: z.string().regex(DIGEST, 'expected a sha256 digest (64 lowercase hex digits)').nullable(),
    fields: z.record(z.string(), z.string().regex(/^[0-9a-f]{1,64}$/, 'expected a hex digest per field')).optional(),
  })
  .strict();

/** what the cluster's config added to its layout (`clusters.<name>.locks`/`.config`), on its first line */
const recipes = z
  .object({
    locks: z.array(z.string()).optional(),
    config: z.array(z.union([z.string(), z.object({ path: z.string(), diff: z.boolean().optional() }).strict()])).optional(),
  })
  .strict()
  .optional();

/** the cluster's ensemble when a named one (`clusters.<name>.ensemble`), on its first line; a connection event's session */
const ensemble = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected an ensemble name').optional();

const nodeEvent = z.object({
  kind: z.enum(['added', 'changed', 'removed']),
  cluster: z.string().min(1),
  root,
  layout,
  ensemble,
  path: z.string(),
  stat,
  data: z.string().nullable(),
  time,
  afterBlind: z.literal(true).optional(),
  dataBase64: z.string().regex(BASE64, 'expected base64 data').optional(),
  recipes,
  config: configFingerprint.optional(),
}).superRefine((event, ctx) => {
  // a configuration key's data stays at the edge: a line that has both is not one the recorder wrote
  if (event.config !== undefined && (event.data !== null || event.dataBase64 !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['config'], message: 'a configuration key carries its fingerprint only: data must be null and dataBase64 absent' });
  }
});

const sequenceEvent = z.object({
  kind: z.literal('sequence'),
  cluster: z.string().min(1),
  root,
  layout,
  ensemble,
  recipes,
  path: z.string(),
  cversion: z.number().int().nullable(),
  time,
  afterBlind: z.literal(true).optional(),
});

const connectionEvent = z.object({
  kind: z.literal('connection'),
  state: z.enum(['connected', 'disconnected', 'expired', 'reconnected']),
  time,
  sessionId: z.string().optional(),
  reason: z.string().optional(),
  ensemble,
});

const syncEvent = z.object({
  kind: z.literal('synced'),
  cluster: z.string().min(1),
  root,
  layout,
  ensemble,
  recipes,
  time,
  nodes: z.number(),
  afterBlind: z.literal(true).optional(),
});

const KINDS = new Set(['added', 'changed', 'removed', 'connection', 'synced', 'sequence']);

/** One line's problem (without the file and line prefix), or the event. */
export type ParsedLine = { ok: true; event: WatchEvent } | { ok: false; problem: string };

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const NODE_KINDS = new Set(['added', 'changed', 'removed']);
const STATES = new Set(['connected', 'disconnected', 'expired', 'reconnected']);

function plainStat(s: unknown): boolean {
  if (typeof s !== 'object' || s === null) return false;
  const o = s as Record<string, unknown>;
  return isStr(o.czxid) && isStr(o.mzxid) && isNum(o.ctime) && isNum(o.mtime) && isNum(o.version) && isNum(o.cversion) && isStr(o.ephemeralOwner) && isNum(o.dataLength) && isNum(o.numChildren);
}

/**
 * The common case, checked by hand (the replay's hot path): a well-formed v1 event, every field
 * of the right type. Stricter than the zod schemas; anything it does not accept goes to zod,
 * which decides and names the problem.
 */
function wellFormed(o: Record<string, unknown>): boolean {
  if (o.v !== RECORD_SCHEMA_VERSION || !isNum(o.time) || (o.afterBlind !== undefined && o.afterBlind !== true)) return false;
  if (o.root !== undefined && (!isStr(o.root) || checkZkPath(o.root, 'root') !== null)) return false;
  // a layout and recipes (on a cluster's first line only), a config fingerprint and sequences are checked by zod
  if (o.layout !== undefined || o.recipes !== undefined || o.config !== undefined || o.ensemble !== undefined) return false;
  const kind = o.kind as string;
  if (NODE_KINDS.has(kind)) {
    return (
      isStr(o.cluster) && o.cluster !== '' && isStr(o.path) && (o.data === null || isStr(o.data)) && plainStat(o.stat) &&
      (o.dataBase64 === undefined || (isStr(o.dataBase64) && BASE64.test(o.dataBase64)))
    );
  }
  if (kind === 'connection') return o.root === undefined && STATES.has(o.state as string) && (o.sessionId === undefined || isStr(o.sessionId)) && (o.reason === undefined || isStr(o.reason)) && o.afterBlind === undefined;
  if (kind === 'synced') return isStr(o.cluster) && o.cluster !== '' && isNum(o.nodes);
  return false;
}

/** Parses and validates one line of a recording. Pure. */
export function parseRecordLine(text: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err as Error).message}` };
  }
  // the event keeps its "v" on this path: consumers read only the WatchEvent fields
  if (typeof raw === 'object' && raw !== null && wellFormed(raw as Record<string, unknown>)) return { ok: true, event: raw as WatchEvent };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: 'not a JSON object' };
  const { v, ...rest } = raw as Record<string, unknown>;
  if (v === undefined) return { ok: false, problem: 'missing schema version "v"' };
  if (v !== RECORD_SCHEMA_VERSION) return { ok: false, problem: `unsupported schema version ${JSON.stringify(v)}` };
  const kind = rest.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return { ok: false, problem: `unknown kind ${JSON.stringify(kind)}` };
  const schema = kind === 'connection' ? connectionEvent : kind === 'synced' ? syncEvent : kind === 'sequence' ? sequenceEvent : nodeEvent;
  const result = schema.safeParse(rest);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.map(String).join('.') : kind;
    return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, event: result.data as WatchEvent };
}

/** The line the recorder writes for one event. */
export function recordLine(event: WatchEvent): string {
  // the same bytes as stringifying `{ v, ...event }`, without copying the event (one per recorded event)
  if (!('v' in event)) {
    const json = JSON.stringify(event);
    if (json.length > 2) return `{"v":${RECORD_SCHEMA_VERSION},${json.slice(1)}\n`;
  }
  return JSON.stringify({ v: RECORD_SCHEMA_VERSION, ...event }) + '\n';
}

const PREFIX = `{"v":${RECORD_SCHEMA_VERSION},`;

/**
 * A line of recordLine with the cluster's root added: `{"v":1,"root":"/apps/x",...}`, and its layout when
 * it has one other than zkpulse: `{"v":1,"root":"/kafka","layout":"kafka",...}`.
 */
export function withRoot(line: string, rootPath: string, layoutValue?: string | object, recipesValue?: object, ensembleName?: string): string {
  if (!line.startsWith(PREFIX)) throw new Error(`not a recorded line: ${line.slice(0, 40)}`);
  const named = layoutValue === undefined ? '' : `"layout":${JSON.stringify(layoutValue)},`;
  const added = recipesValue === undefined ? '' : `"recipes":${JSON.stringify(recipesValue)},`;
  const on = ensembleName === undefined ? '' : `"ensemble":${JSON.stringify(ensembleName)},`;
  return `${PREFIX}"root":${JSON.stringify(rootPath)},${named}${added}${on}${line.slice(PREFIX.length)}`;
}

/** The named ensemble a cluster's first line carries (`clusters.<name>.ensemble`), if any. */
export function recordedEnsembleOf(event: WatchEvent): string | undefined {
  if (event.kind === 'connection') return undefined;
  const value = (event as { ensemble?: unknown }).ensemble;
  return typeof value === 'string' ? value : undefined;
}

/** The locks and config globs a parsed line carries, if any (`clusters.<name>.locks`/`.config`, beside the root). */
export function recipesOf(event: WatchEvent): Record<string, unknown> | undefined {
  const value = (event as { recipes?: unknown }).recipes;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The layout a parsed line carries, if any (with the root, on the first line of a cluster in a file). */
export function layoutOf(event: WatchEvent): string | Record<string, unknown> | undefined {
  const value = (event as { layout?: unknown }).layout;
  return typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)) ? (value as string | Record<string, unknown>) : undefined;
}

/** The root a parsed line carries, if any (the first line of a cluster in a file). */
export function rootOf(event: WatchEvent): string | undefined {
  const value = (event as { root?: unknown }).root;
  return typeof value === 'string' ? value : undefined;
}
