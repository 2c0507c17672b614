/**
 * The checks of what the collector reads back from its state nodes (ZkStateStore's `decode`): the
 * silences against the API's own schema, the notification log and the engine state against their
 * shapes. Entries that do not pass are refused one by one, each with its reason; the rest is used.
 * Times in the future would let a stored entry outrank every later change, so they are taken as `now`.
 */
import { z } from 'zod';
import { restoreEngineState } from '../engine/index.ts';
import type { NflogEntry } from '../notify/nflog.ts';
import { parseStoredSilences } from '../silences/schema.ts';
import type { Decoded, DecodeFn } from './zk-state-store.ts';

const MAX_ISSUES = 5;
const reasonOf = (error: z.ZodError) => {
  const shown = error.issues.slice(0, MAX_ISSUES).map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`);
  if (error.issues.length > MAX_ISSUES) shown.push(`and ${error.issues.length - MAX_ISSUES} more problems`);
  return shown.join('; ');
};

export function decodeSilences(now: () => number): DecodeFn {
  return (raw): Decoded => {
    const { silences, refused } = parseStoredSilences(raw, now());
    return { value: silences, refused };
  };
}

const time = z.number().int();
const nflogEntrySchema = z.object({
  receiver: z.string().min(1),
  groupKey: z.string(),
  firing: z.array(z.string()),
  resolved: z.array(z.string()),
  timestamp: time,
  expiresAt: time,
});

export function decodeNflog(now: () => number): DecodeFn {
  return (raw): Decoded => {
    if (!Array.isArray(raw)) return { value: undefined, refused: [`expected a list of notification log entries, got ${raw === null ? 'null' : typeof raw}`] };
    const at = now();
    const entries: NflogEntry[] = [];
    const refused: string[] = [];
    raw.forEach((entry, i) => {
      const parsed = nflogEntrySchema.safeParse(entry);
      if (parsed.success) entries.push({ ...parsed.data, timestamp: Math.min(parsed.data.timestamp, at) });
      else refused.push(`notification log entry ${i}: ${reasonOf(parsed.error)}`);
    });
    return { value: entries, refused };
  };
}

const num = z.number();
const labels = z.record(z.string(), z.string());
const storedAlertSchema = z.looseObject({
  fingerprint: z.string(),
  labels,
  annotations: labels,
  state: z.enum(['pending', 'firing', 'resolved']),
  activeAt: num,
  firedAt: num.nullable(),
  resolvedAt: num.nullable(),
  keepFiringSince: num.nullable(),
});
const memorySchema = z.looseObject({
  lastEpoch: z.string().nullable().optional(),
  masterChanges: z.array(num).optional(),
  beats: z.array(z.tuple([z.string(), z.looseObject({ last: num, intervals: z.array(num) })])).optional(),
  progress: z.array(z.tuple([z.string(), z.looseObject({ done: num, since: num })])).optional(),
  lost: z.array(z.tuple([z.string(), num])).optional(),
  blind: z.boolean().optional(),
  sightSince: num.nullable().optional(),
});
const engineSchema = z.looseObject({ version: num, alerts: z.array(storedAlertSchema), memory: z.array(z.tuple([z.string(), memorySchema])) });

/** The engine state is one value: used whole (as an EngineState) or refused whole. */
export const decodeEngine: DecodeFn = (raw): Decoded => {
  if (typeof raw !== 'string') return { value: undefined, refused: ['expected the serialized engine state (a JSON string)'] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { value: undefined, refused: [`alert engine state: not JSON (${(err as Error).message})`] };
  }
  try {
    const parsed = engineSchema.safeParse(json);
    if (!parsed.success) return { value: undefined, refused: [`alert engine state: ${reasonOf(parsed.error)}`] };
    return { value: restoreEngineState(raw), refused: [] };
  } catch (err) {
    return { value: undefined, refused: [String((err as Error).message ?? err)] };
  }
};
