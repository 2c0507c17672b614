/** InfluxDB points for alert transitions (`alert` measurement, docs/contract.md §4). Pure. */
import { int, type Point } from '../../collector/influx/line-protocol.ts';
import type { AlertInstance } from '../types.ts';

/** One point per firing/resolved alert (pending ones are skipped); an ensemble's alert is tagged `ensemble` (its `cluster` is empty, so left out). */
export function alertPoints(alerts: readonly AlertInstance[], now: number): Point[] {
  return alerts
    .filter((a) => a.state !== 'pending')
    .map((a) => ({
      measurement: 'alert',
      tags: {
        cluster: a.labels.cluster ?? '',
        alertname: a.labels.alertname ?? '',
        severity: a.labels.severity ?? '',
        ...(a.labels.ensemble === undefined ? {} : { ensemble: a.labels.ensemble }),
      },
      fields: { state: a.state, firing: int(a.state === 'firing' ? 1 : 0) },
      time: now,
    }));
}

/** The alerts whose firing/resolved state differs from `seen` (fingerprint → state); updates `seen`. */
export function transitions(alerts: readonly AlertInstance[], seen: Map<string, 'firing' | 'resolved'>): AlertInstance[] {
  const out: AlertInstance[] = [];
  const present = new Set<string>();
  for (const a of alerts) {
    present.add(a.fingerprint);
    if (a.state === 'pending') continue;
    if (seen.get(a.fingerprint) !== a.state) out.push(a);
    seen.set(a.fingerprint, a.state);
  }
  for (const fp of seen.keys()) if (!present.has(fp)) seen.delete(fp);
  return out;
}
