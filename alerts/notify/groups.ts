/** Splitting the current alert list into aggregation groups. Pure. */
import type { AlertInstance, Labels } from '../types.ts';
import { groupKeyOf, groupLabelsOf } from './group.ts';

export interface AlertGroup {
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: AlertInstance[];
}

/**
 * The group key of a label set for a `groupBy`, by label-set object: an alert keeps its labels object from
 * evaluation to evaluation (alerts/engine/state-machine.ts), and the notifier groups the whole list after each.
 */
const keys = new WeakMap<Labels, { groupBy: readonly string[]; groupKey: string }>();

function groupKeyFor(labels: Labels, groupBy: readonly string[]): string {
  const known = keys.get(labels);
  if (known !== undefined && known.groupBy === groupBy) return known.groupKey;
  const groupKey = groupKeyOf(groupLabelsOf(labels, groupBy));
  keys.set(labels, { groupBy, groupKey });
  return groupKey;
}

/** Firing and resolved alerts (pending ones are never notified) by group key. */
export function groupAlerts(alerts: readonly AlertInstance[], groupBy: readonly string[]): Map<string, AlertGroup> {
  const groups = new Map<string, AlertGroup>();
  for (const a of alerts) {
    if (a.state === 'pending') continue;
    const groupKey = groupKeyFor(a.labels, groupBy);
    let g = groups.get(groupKey);
    // the group's labels: a new object per group, as before (a caller may keep it)
    if (!g) groups.set(groupKey, (g = { groupKey, groupLabels: groupLabelsOf(a.labels, groupBy), alerts: [] }));
    g.alerts.push(a);
  }
  return groups;
}

/** Delay of a new group's first flush: group_wait, or none when an alert already waited that long (Alertmanager). */
export function firstFlushDelay(alerts: readonly AlertInstance[], groupWaitMs: number, now: number): number {
  return alerts.some((a) => a.state === 'firing' && a.startsAt + groupWaitMs <= now) ? 0 : groupWaitMs;
}
