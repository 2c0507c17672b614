/**
 * The recording's line schema, version 1: `{"v":1, ...WatchEvent}` (collector/watch/events.ts),
 * one JSON object a line. Validated with zod so a truncated or hand-edited file fails with the
 * line number and what is wrong, instead of corrupting the replayed models.
 */
import { z } from 'zod';
import type { WatchEvent } from '../collector/watch/events.ts';

export const RECORD_SCHEMA_VERSION = 1;

const time = z.number().finite();
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

const nodeEvent = z.object({
  kind: z.enum(['added', 'changed', 'removed']),
  cluster: z.string().min(1),
  path: z.string(),
  stat,
  data: z.string().nullable(),
  time,
  afterBlind: z.literal(true).optional(),
});

const connectionEvent = z.object({
  kind: z.literal('connection'),
  state: z.enum(['connected', 'disconnected', 'expired', 'reconnected']),
  time,
  sessionId: z.string().optional(),
  reason: z.string().optional(),
});

const syncEvent = z.object({
  kind: z.literal('synced'),
  cluster: z.string().min(1),
  time,
  nodes: z.number(),
  afterBlind: z.literal(true).optional(),
});

const KINDS = new Set(['added', 'changed', 'removed', 'connection', 'synced']);

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
  const kind = o.kind as string;
  if (NODE_KINDS.has(kind)) return isStr(o.cluster) && o.cluster !== '' && isStr(o.path) && (o.data === null || isStr(o.data)) && plainStat(o.stat);
  if (kind === 'connection') return STATES.has(o.state as string) && (o.sessionId === undefined || isStr(o.sessionId)) && (o.reason === undefined || isStr(o.reason)) && o.afterBlind === undefined;
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
  const schema = kind === 'connection' ? connectionEvent : kind === 'synced' ? syncEvent : nodeEvent;
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
