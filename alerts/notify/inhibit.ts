/** Inhibition (Alertmanager's MuteStage with the inhibitor): pure. */
import { matchesAll } from '../silences/match.ts';
import type { AlertInstance, Labels } from '../types.ts';
import type { InhibitRule } from './config.ts';

function sameLabels(a: Labels, b: Labels, names: readonly string[]): boolean {
  return names.every((n) => (a[n] ?? '') === (b[n] ?? ''));
}

/**
 * The fingerprint of a firing alert that inhibits `target`, or null. Like Alertmanager, an alert that
 * matches both sides of a rule cannot inhibit itself, nor another alert that also matches the source side.
 */
export function inhibitedBy(
  target: AlertInstance,
  alerts: readonly AlertInstance[],
  rules: readonly InhibitRule[],
): string | null {
  for (const rule of rules) {
    if (!matchesAll(rule.targetMatchers, target.labels)) continue;
    const targetIsSource = matchesAll(rule.sourceMatchers, target.labels);
    for (const source of alerts) {
      if (source.state !== 'firing' || source.fingerprint === target.fingerprint) continue;
      if (!matchesAll(rule.sourceMatchers, source.labels)) continue;
      if (targetIsSource && matchesAll(rule.targetMatchers, source.labels)) continue;
      if (sameLabels(source.labels, target.labels, rule.equal)) return source.fingerprint;
    }
  }
  return null;
}
