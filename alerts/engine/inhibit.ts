/**
 * Inhibition, Alertmanager style: while a CollectorDisconnected alert FIRES for a cluster, every
 * other alert with the same `cluster` label is inhibited (the collector cannot see that cluster, so
 * what it says about it is not news). The source alert carries the annotation `inhibits: "cluster"`,
 * naming the label that must be equal; INHIBIT_RULES states the same as data.
 */
import type { AlertInstance } from '../types.ts';

export interface InhibitRule {
  /** labels the inhibiting (source) alert has */
  source: Readonly<Record<string, string>>;
  /** labels whose values must be equal in source and target */
  equal: readonly string[];
}

export const INHIBIT_RULES: readonly InhibitRule[] = [{ source: { alertname: 'CollectorDisconnected' }, equal: ['cluster'] }];

/** The firing alert of `active` that inhibits `alert`, or null. An alert never inhibits itself. */
export function inhibitingAlert(alert: AlertInstance, active: readonly AlertInstance[]): AlertInstance | null {
  for (const source of active) {
    if (source.state !== 'firing' || source.fingerprint === alert.fingerprint) continue;
    for (const rule of INHIBIT_RULES) {
      const matches = Object.entries(rule.source).every(([k, v]) => source.labels[k] === v);
      // a source never inhibits another source of the same rule
      const targetIsSource = Object.entries(rule.source).every(([k, v]) => alert.labels[k] === v);
      if (matches && !targetIsSource && rule.equal.every((k) => source.labels[k] === alert.labels[k])) return source;
    }
  }
  return null;
}

export function inhibitedBy(alert: AlertInstance, active: readonly AlertInstance[]): boolean {
  return inhibitingAlert(alert, active) !== null;
}
