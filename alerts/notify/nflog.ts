/**
 * The notification log (Alertmanager's nflog): per (receiver, groupKey), the firing and resolved
 * fingerprints last notified and when. Dedupe reads it; a successful delivery writes it; it is
 * persisted so a restart does not repeat what was sent.
 */

export interface NflogEntry {
  receiver: string;
  groupKey: string;
  firing: string[];
  resolved: string[];
  /** when the notification was sent, ms */
  timestamp: number;
  /** dropped after this, ms */
  expiresAt: number;
}

export type NflogSnapshot = NflogEntry[];

/** 5 days, Alertmanager's --data.retention default. */
export const NFLOG_RETENTION_MS = 5 * 24 * 3600_000;

const keyOf = (receiver: string, groupKey: string) => JSON.stringify([receiver, groupKey]);

export class NotificationLog {
  private readonly entries = new Map<string, NflogEntry>();

  constructor(
    snapshot: NflogSnapshot = [],
    private readonly retentionMs = NFLOG_RETENTION_MS,
  ) {
    this.merge(snapshot);
  }

  query(receiver: string, groupKey: string): NflogEntry | undefined {
    return this.entries.get(keyOf(receiver, groupKey));
  }

  log(receiver: string, groupKey: string, firing: readonly string[], resolved: readonly string[], now: number): void {
    this.entries.set(keyOf(receiver, groupKey), {
      receiver,
      groupKey,
      firing: [...firing].sort(),
      resolved: [...resolved].sort(),
      timestamp: now,
      expiresAt: now + this.retentionMs,
    });
    this.prune(now);
  }

  prune(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt < now) this.entries.delete(k);
  }

  /** Takes in another copy: per key the later notification wins. */
  merge(snapshot: NflogSnapshot): void {
    for (const e of snapshot) {
      const k = keyOf(e.receiver, e.groupKey);
      const mine = this.entries.get(k);
      if (!mine || mine.timestamp < e.timestamp) this.entries.set(k, e);
    }
  }

  snapshot(): NflogSnapshot {
    return [...this.entries.values()];
  }
}

/** Merge function for ZkStateStore conflicts on the nflog key. */
export function mergeNflogSnapshots(ours: NflogSnapshot, theirs: NflogSnapshot): NflogSnapshot {
  const log = new NotificationLog(theirs, Number.POSITIVE_INFINITY);
  log.merge(ours);
  return log.snapshot();
}
