/** Dedupe (Alertmanager's DedupStage.needsUpdate): pure, returns the decision and its reason. */
import type { NflogEntry } from './nflog.ts';

export interface Decision {
  send: boolean;
  reason: string;
}

const subset = (a: readonly string[], b: ReadonlySet<string>) => a.every((x) => b.has(x));

export function needsUpdate(
  entry: Pick<NflogEntry, 'firing' | 'resolved' | 'timestamp'> | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  now: number,
): Decision {
  if (!entry) {
    return firing.size > 0
      ? { send: true, reason: 'first notification of this group' }
      : { send: false, reason: 'never notified and nothing firing' };
  }
  const before = new Set(entry.firing);
  if (![...firing].every((f) => before.has(f))) return { send: true, reason: 'new firing alerts' };
  if (firing.size === 0) {
    // Sent even without send_resolved, so the log forgets the firing set; the receiver never knew
    // about alerts that fired and resolved between two notifications.
    return entry.firing.length > 0
      ? { send: true, reason: 'all alerts resolved' }
      : { send: false, reason: 'nothing firing, receiver already told' };
  }
  if (sendResolved && !subset([...resolved], new Set(entry.resolved))) return { send: true, reason: 'new resolved alerts' };
  if (entry.timestamp + repeatIntervalMs <= now) return { send: true, reason: 'repeat interval passed' };
  return { send: false, reason: 'unchanged since last notification' };
}
