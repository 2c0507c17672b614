/**
 * What `zkpulse replay` prints for one notification that would have been sent: one JSON line,
 * built from the webhook v4 body the notifier posted, stamped with the virtual time.
 */
import type { WebhookBody } from '../alerts/notify/webhook-body.ts';

export interface NotificationLine {
  /** virtual time of the delivery, ISO 8601 */
  at: string;
  receiver: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    fingerprint: string;
  }[];
}

/** The line for one posted v4 body at virtual time `at` (ms). Key order is fixed: same input, same bytes. */
export function notificationLine(body: WebhookBody, at: number): NotificationLine {
  return {
    at: new Date(at).toISOString(),
    receiver: body.receiver,
    groupKey: body.groupKey,
    status: body.status,
    alerts: body.alerts.map((a) => ({
      status: a.status,
      labels: sortedKeys(a.labels),
      annotations: sortedKeys(a.annotations),
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      fingerprint: a.fingerprint,
    })),
  };
}

function sortedKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
