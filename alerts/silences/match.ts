/** Pure silence matching: which silences are active at `now`, and which of them mute a label set. */
import type { Labels } from '../types.ts';
import type { Matcher, Silence, SilenceState } from './types.ts';

/** Alertmanager anchors regex matchers: `=~"a|b"` means the whole value is a or b. */
export function compileMatcher(m: Matcher): (value: string) => boolean {
  if (!m.isRegex) return m.isEqual ? (v) => v === m.value : (v) => v !== m.value;
  const re = new RegExp(`^(?:${m.value})$`, 'u');
  return m.isEqual ? (v) => re.test(v) : (v) => !re.test(v);
}

/** The reason a matcher is malformed, or null. An absent label reads as "" (Prometheus semantics). */
export function matcherProblem(m: Matcher): string | null {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) return `matcher name ${JSON.stringify(m.name)} is not a label name`;
  if (m.isRegex) {
    try {
      new RegExp(`^(?:${m.value})$`, 'u');
    } catch (err) {
      return `matcher ${m.name}: bad regular expression: ${(err as Error).message}`;
    }
  }
  return null;
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
