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

/** Parses and validates one line of a recording. Pure. */
export function parseRecordLine(text: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON: ${(err as Error).message}` };
  }
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
  return JSON.stringify({ v: RECORD_SCHEMA_VERSION, ...event }) + '\n';
}
