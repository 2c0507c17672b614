/** Grouping (Alertmanager's dispatcher): group labels and group keys. Pure. */
import type { Labels } from '../types.ts';

/** The `groupBy` labels the alert has (absent ones are left out, like Alertmanager). */
export function groupLabelsOf(labels: Labels, groupBy: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...groupBy].sort()) {
    const value = labels[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** Alertmanager's group key for the root route: `{}:{alertname="WorkerLost", cluster="c1"}`. */
export function groupKeyOf(groupLabels: Record<string, string>): string {
  const pairs = Object.keys(groupLabels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(groupLabels[k])}`);
  return `{}:{${pairs.join(', ')}}`;
}

/** Labels (or annotations) with the same value in every item. */
export function commonOf(sets: readonly Labels[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const s of sets.slice(1)) {
    for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  }
  return out;
}
