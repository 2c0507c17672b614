/** The HTTP request of one notification for one receiver. Pure (the delivery id comes in). */
import type { ReceiverConfig } from './config.ts';
import { postableAlerts, signBody, webhookBody, type NotificationInput } from './webhook-body.ts';

export interface NotificationRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export const SIGNATURE_HEADER = 'X-Zkpulse-Signature';
export const DELIVERY_HEADER = 'X-Zkpulse-Delivery';

export function alertmanagerAlertsURL(base: string): string {
  return `${base.replace(/\/+$/, '')}/api/v2/alerts`;
}

/**
 * `http://user:password@host/…` → the URL without them and `Authorization: Basic …` (what Alertmanager's
 * basic_auth sends): fetch refuses URLs with credentials, and a URL without them is safe to log.
 */
export function splitCredentials(raw: string): { url: string; authorization?: string } {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: raw };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

export function buildRequest(receiver: ReceiverConfig, n: NotificationInput, deliveryId: string): NotificationRequest {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', [DELIVERY_HEADER]: deliveryId };
  const { url, authorization } = splitCredentials(receiver.url);
  if (authorization) headers.Authorization = authorization;
  if (receiver.kind === 'alertmanager') {
    return { url: alertmanagerAlertsURL(url), body: JSON.stringify(postableAlerts(n.alerts, n.externalURL)), headers };
  }
  const body = JSON.stringify(webhookBody(n, receiver.maxAlerts ?? 0));
  if (receiver.secret) headers[SIGNATURE_HEADER] = signBody(body, receiver.secret);
  return { url, body, headers };
}
