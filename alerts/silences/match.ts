/** Pure silence matching: which silences are active at `now`, and which of them mute a label set. */
import type { Labels } from '../types.ts';
import { compileUserRegex, MAX_MATCHED_VALUE_CHARS } from './regex.ts';
import type { Matcher, Silence, SilenceState } from './types.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Alertmanager anchors regex matchers: `=~"a|b"` means the whole value is a or b. Regexes are RE2
 * (linear time, ./regex.ts); a malformed one (which the schemas refuse) matches nothing.
 */
export function compileMatcher(m: Matcher): (value: string) => boolean {
  if (!m.isRegex) return m.isEqual ? (v) => v === m.value : (v) => v !== m.value;
  const compiled = compileUserRegex(m.value);
  if (!compiled.ok) return () => false;
  const re = compiled.regex;
  // a value too long to be matched satisfies neither =~ nor !~ (regex.ts): the silence does not apply
  return m.isEqual ? (v) => re.matches(v) : (v) => v.length <= MAX_MATCHED_VALUE_CHARS && !re.matches(v);
}

export function labelNameProblem(name: string): string | null {
  return LABEL_NAME.test(name) ? null : `matcher name ${JSON.stringify(name.slice(0, 64))} is not a label name`;
}

/** Why a regex matcher's pattern is refused, or null (also for a matcher that is not a regex). */
export function regexProblem(m: Matcher): string | null {
  if (!m.isRegex) return null;
  const compiled = compileUserRegex(m.value);
  return compiled.ok ? null : `matcher ${m.name}: ${compiled.problem}`;
}

/** The reason a matcher is malformed, or null. An absent label reads as "" (Prometheus semantics). */
export function matcherProblem(m: Matcher): string | null {
  return labelNameProblem(m.name) ?? regexProblem(m);
}

export function matcherMatches(m: Matcher, labels: Labels): boolean {
  return compileMatcher(m)(labels[m.name] ?? '');
}

/** All matchers must match (a silence or an inhibit rule side). */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matcherMatches(m, labels));
}

export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now >= s.endsAt) return 'expired';
  if (now < s.startsAt) return 'pending';
  return 'active';
}

/** Ids of the silences active at `now` that mute `labels` (empty: not silenced). */
export function silencedBy(labels: Labels, silences: Iterable<Silence>, now: number): string[] {
  const ids: string[] = [];
  for (const s of silences) {
    if (silenceState(s, now) === 'active' && matchesAll(s.matchers, labels)) ids.push(s.id);
  }
  return ids;
}
