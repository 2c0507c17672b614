/** The notifier's public API. */
export { Notifier, type NotifierOptions, type NotificationRecord, type NotifierLog } from './notifier.ts';
export {
  DEFAULT_INHIBIT_RULES,
  DEFAULT_RETRY,
  DEFAULT_ROUTE,
  routeOf,
  type AlertmanagerReceiver,
  type InhibitRule,
  type ReceiverConfig,
  type RetryPolicy,
  type RouteTiming,
  type WebhookReceiver,
} from './config.ts';
export { needsUpdate, type Decision } from './dedupe.ts';
export { inhibitedBy } from './inhibit.ts';
export { muteAlerts } from './mute.ts';
export { groupKeyOf, groupLabelsOf, commonOf } from './group.ts';
export { groupAlerts, firstFlushDelay } from './groups.ts';
export { NotificationLog, mergeNflogSnapshots, type NflogEntry, type NflogSnapshot } from './nflog.ts';
export { retryDecision, backoffMs, parseRetryAfter, type AttemptOutcome, type RetryDecision } from './retry.ts';
export { webhookBody, signBody, postableAlerts, ZERO_TIME, type WebhookBody, type PostableAlert } from './webhook-body.ts';
export { buildRequest, SIGNATURE_HEADER, DELIVERY_HEADER } from './request.ts';
export { alertPoints } from './points.ts';
export { realScheduler, VirtualScheduler, type Scheduler } from './scheduler.ts';
export { fetchPost, type HttpPost } from './http-post.ts';
