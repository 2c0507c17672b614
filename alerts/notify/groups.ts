/** Splitting the current alert list into aggregation groups. Pure. */
import type { AlertInstance } from '../types.ts';
import { groupKeyOf, groupLabelsOf } from './group.ts';

export interface AlertGroup {
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: AlertInstance[];
}

/** Firing and resolved alerts (pending ones are never notified) by group key. */
export function groupAlerts(alerts: readonly AlertInstance[], groupBy: readonly string[]): Map<string, AlertGroup> {
  const groups = new Map<string, AlertGroup>();
  for (const a of alerts) {
    if (a.state === 'pending') continue;
    const groupLabels = groupLabelsOf(a.labels, groupBy);
    const groupKey = groupKeyOf(groupLabels);
    let g = groups.get(groupKey);
    if (!g) groups.set(groupKey, (g = { groupKey, groupLabels, alerts: [] }));
    g.alerts.push(a);
  }
  return groups;
}

/** Delay of a new group's first flush: group_wait, or none when an alert already waited that long (Alertmanager). */
export function firstFlushDelay(alerts: readonly AlertInstance[], groupWaitMs: number, now: number): number {
  return alerts.some((a) => a.state === 'firing' && a.startsAt + groupWaitMs <= now) ? 0 : groupWaitMs;
}
