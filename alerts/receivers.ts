/**
 * The receivers of a collect configuration, built in one place for the running collector (server/) and
 * the replay (replay/config.ts): one webhook per `--webhook` URL (`webhook-N`, signed with
 * `--webhook-secret`), then one Alertmanager per `--alertmanager` URL (`alertmanager-N`), each with the
 * `alerts.route` timing. The names key the notification log, so they must not change.
 */
import type { ReceiverConfig } from './notify/config.ts';

/** the collect config's keys of the same names (collector/config.ts) */
export interface ReceiverSettings {
  webhook: readonly string[];
  alertmanager: readonly string[];
  webhookSecret?: string;
}

export function receiversOf(config: ReceiverSettings, route: ReceiverConfig['route']): ReceiverConfig[] {
  const webhooks = config.webhook.map((url, i): ReceiverConfig => ({ kind: 'webhook', name: `webhook-${i + 1}`, url, secret: config.webhookSecret, route }));
  const managers = config.alertmanager.map((url, i): ReceiverConfig => ({ kind: 'alertmanager', name: `alertmanager-${i + 1}`, url, route }));
  return [...webhooks, ...managers];
}
