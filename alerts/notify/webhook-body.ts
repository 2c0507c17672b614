/** The Alertmanager webhook v4 body and its signature. Pure. */
import { createHmac } from 'node:crypto';
import type { AlertInstance } from '../types.ts';
import { commonOf } from './group.ts';

/** Go's zero time, which Alertmanager sends as endsAt of a firing alert. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookBody {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

export interface NotificationInput {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  /** firing or resolved alerts only */
  alerts: readonly AlertInstance[];
  /** the collector's base URL, e.g. http://127.0.0.1:7070 */
  externalURL: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Where a receiver can look at the alert's cluster: the cluster view of the API (an ensemble's alert: the ensembles view). */
export function generatorURL(externalURL: string, alert: AlertInstance): string {
  const cluster = alert.labels.cluster;
  if (cluster) return `${externalURL}/api/clusters/${encodeURIComponent(cluster)}`;
  return alert.labels.ensemble ? `${externalURL}/api/ensembles` : `${externalURL}/api/alerts`;
}

export function webhookAlert(a: AlertInstance, externalURL: string): WebhookAlert {
  const resolved = a.state === 'resolved';
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    startsAt: iso(a.startsAt),
    endsAt: resolved && a.endsAt !== null ? iso(a.endsAt) : ZERO_TIME,
    generatorURL: generatorURL(externalURL, a),
    fingerprint: a.fingerprint,
  };
}

/** Firing alerts first (like Alertmanager's sort: they matter more when a body is truncated). */
export function webhookBody(n: NotificationInput, maxAlerts = 0): WebhookBody {
  const sorted = [...n.alerts].sort(
    (a, b) => Number(a.state === 'resolved') - Number(b.state === 'resolved') || a.fingerprint.localeCompare(b.fingerprint),
  );
  const kept = maxAlerts > 0 ? sorted.slice(0, maxAlerts) : sorted;
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: sorted.length - kept.length,
    status: n.alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
    receiver: n.receiver,
    groupLabels: { ...n.groupLabels },
    commonLabels: commonOf(n.alerts.map((a) => a.labels)),
    commonAnnotations: commonOf(n.alerts.map((a) => a.annotations)),
    externalURL: n.externalURL,
    alerts: kept.map((a) => webhookAlert(a, n.externalURL)),
  };
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the X-Zkpulse-Signature header. */
export function signBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** Alertmanager API v2 postable alert (POST /api/v2/alerts). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

export function postableAlerts(alerts: readonly AlertInstance[], externalURL: string): PostableAlert[] {
  return alerts.map((a) => ({
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    startsAt: iso(a.startsAt),
    ...(a.state === 'resolved' && a.endsAt !== null ? { endsAt: iso(a.endsAt) } : {}),
    generatorURL: generatorURL(externalURL, a),
  }));
}
