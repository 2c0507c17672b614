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

export function buildRequest(receiver: ReceiverConfig, n: NotificationInput, deliveryId: string): NotificationRequest {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', [DELIVERY_HEADER]: deliveryId };
  if (receiver.kind === 'alertmanager') {
    return { url: alertmanagerAlertsURL(receiver.url), body: JSON.stringify(postableAlerts(n.alerts, n.externalURL)), headers };
  }
  const body = JSON.stringify(webhookBody(n, receiver.maxAlerts ?? 0));
  if (receiver.secret) headers[SIGNATURE_HEADER] = signBody(body, receiver.secret);
  return { url: receiver.url, body, headers };
}
