/**
 * Validation of silences: a posted one (Alertmanager API v2 postableSilence) and a stored one (what a
 * collector wrote to ZooKeeper, read back: input like any other). Both go through the same matcher
 * and field checks, so nothing read from ZooKeeper can carry what the API would refuse.
 */
import { z } from 'zod';
import { compileMatcher, labelNameProblem, matcherProblem, regexProblem } from './match.ts';
import { MAX_PATTERN_CHARS } from './regex.ts';
import { MAX_TIME_MS, MIN_TIME_MS, parseRfc3339 } from './rfc3339.ts';
import type { SilenceInput } from './silences.ts';
import type { Silence } from './types.ts';

export const MAX_LABEL_NAME_CHARS = 256;
export const MAX_MATCHERS = 64;
export const MAX_SILENCE_ID_CHARS = 128;

const time = z.string().refine((s) => parseRfc3339(s) !== null, { message: 'not an RFC 3339 time (e.g. 2030-01-01T10:00:00Z)' });

const matcherSchema = z
  .object({
    name: z.string().min(1).max(MAX_LABEL_NAME_CHARS, `a label name may have at most ${MAX_LABEL_NAME_CHARS} characters`),
    value: z.string().max(MAX_PATTERN_CHARS, `a matcher value may have at most ${MAX_PATTERN_CHARS} characters`),
    isRegex: z.boolean(),
    isEqual: z.boolean().default(true),
  })
  .superRefine((m, ctx) => {
    const name = labelNameProblem(m.name);
    if (name) ctx.addIssue({ code: 'custom', path: ['name'], message: name });
    const regex = m.value.length <= MAX_PATTERN_CHARS ? regexProblem(m) : null;
    if (regex) ctx.addIssue({ code: 'custom', path: ['value'], message: regex });
  });

const fields = {
  matchers: z.array(matcherSchema).min(1).max(MAX_MATCHERS),
  createdBy: z.string().min(1).max(256),
  comment: z.string().min(1).max(4096),
};

type Matchers = z.output<typeof fields.matchers>;

/** like Alertmanager: a silence whose matchers all match an absent label would mute everything (judged once they are well-formed) */
function mutesEverything(matchers: Matchers): boolean {
  return matchers.every((m) => matcherProblem(m) === null) && matchers.every((m) => compileMatcher(m)(''));
}

export const postableSilenceSchema = z
  .object({ id: z.string().min(1).max(MAX_SILENCE_ID_CHARS).optional(), startsAt: time, endsAt: time, ...fields })
  .superRefine((s, ctx) => {
    if (mutesEverything(s.matchers)) ctx.addIssue({ code: 'custom', path: ['matchers'], message: 'at least one matcher must not match the empty string' });
    if (parseRfc3339(s.endsAt)! <= parseRfc3339(s.startsAt)!) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt must be after startsAt' });
  });

const ms = z.number().int().min(MIN_TIME_MS).max(MAX_TIME_MS);

/** A stored silence: times in ms; an expired one may end when it starts (expired at once). */
export const storedSilenceSchema = z
  .object({ id: z.string().min(1).max(MAX_SILENCE_ID_CHARS), startsAt: ms, endsAt: ms, updatedAt: ms, ...fields })
  .superRefine((s, ctx) => {
    if (mutesEverything(s.matchers)) ctx.addIssue({ code: 'custom', path: ['matchers'], message: 'at least one matcher must not match the empty string' });
    if (s.endsAt < s.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt is before startsAt' });
  });

const reasonOf = (error: z.ZodError, whole = 'body') => error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');

/** The parsed input, or the reason it is refused (one line). */
export function parseSilence(body: unknown): { ok: true; input: SilenceInput } | { ok: false; reason: string } {
  const parsed = postableSilenceSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  const s = parsed.data;
  return {
    ok: true,
    input: {
      ...(s.id !== undefined ? { id: s.id } : {}),
      matchers: s.matchers,
      startsAt: parseRfc3339(s.startsAt)!,
      endsAt: parseRfc3339(s.endsAt)!,
      createdBy: s.createdBy,
      comment: s.comment,
    },
  };
}

/**
 * The silences of a stored snapshot that pass the checks, and a reason for each one refused. An
 * `updatedAt` in the future (which would win every merge, even against an expiry through the API) is
 * taken as `now`.
 */
export function parseStoredSilences(raw: unknown, now: number): { silences: Silence[]; refused: string[] } {
  if (!Array.isArray(raw)) return { silences: [], refused: [`expected a list of silences, got ${raw === null ? 'null' : typeof raw}`] };
  const silences: Silence[] = [];
  const refused: string[] = [];
  raw.forEach((entry, i) => {
    const parsed = storedSilenceSchema.safeParse(entry);
    if (!parsed.success) {
      const id = (entry as { id?: unknown } | null)?.id;
      refused.push(`silence ${i}${typeof id === 'string' ? ` (id ${JSON.stringify(id.slice(0, MAX_SILENCE_ID_CHARS))})` : ''}: ${reasonOf(parsed.error, 'entry')}`);
      return;
    }
    const s = parsed.data;
    silences.push({ ...s, updatedAt: Math.min(s.updatedAt, now) });
  });
  return { silences, refused };
}
