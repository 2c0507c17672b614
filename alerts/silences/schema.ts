/** Validation of a posted silence (Alertmanager API v2 postableSilence). */
import { z } from 'zod';
import { compileMatcher, matcherProblem } from './match.ts';
import type { SilenceInput } from './silences.ts';

const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an RFC 3339 time' });

const matcherSchema = z
  .object({
    name: z.string().min(1).max(256),
    value: z.string().max(1024),
    isRegex: z.boolean(),
    isEqual: z.boolean().default(true),
  })
  .superRefine((m, ctx) => {
    const problem = matcherProblem(m);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const postableSilenceSchema = z
  .object({
    id: z.string().min(1).max(128).optional(),
    matchers: z.array(matcherSchema).min(1).max(64),
    startsAt: time,
    endsAt: time,
    createdBy: z.string().min(1).max(256),
    comment: z.string().min(1).max(4096),
  })
  .superRefine((s, ctx) => {
    // like Alertmanager: a silence whose matchers all match an absent label would mute everything
    if (s.matchers.every((m) => matcherProblem(m) !== null || compileMatcher(m)(''))) {
      ctx.addIssue({ code: 'custom', path: ['matchers'], message: 'at least one matcher must not match the empty string' });
    }
    if (Date.parse(s.endsAt) <= Date.parse(s.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt must be after startsAt' });
  });

/** The parsed input, or the reason it is refused (one line). */
export function parseSilence(body: unknown): { ok: true; input: SilenceInput } | { ok: false; reason: string } {
  const parsed = postableSilenceSchema.safeParse(body);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return { ok: false, reason };
  }
  const s = parsed.data;
  return {
    ok: true,
    input: {
      ...(s.id !== undefined ? { id: s.id } : {}),
      matchers: s.matchers,
      startsAt: Date.parse(s.startsAt),
      endsAt: Date.parse(s.endsAt),
      createdBy: s.createdBy,
      comment: s.comment,
    },
  };
}
