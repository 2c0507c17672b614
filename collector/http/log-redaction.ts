/**
 * Secrets never reach the log: pino redacts the config's secrets and Authorization headers wherever
 * they appear in a logged object (one or two levels deep: `{config: {apiToken}}`, `{req: {headers}}`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

const SECRET_KEYS = ['apiToken', 'webhookSecret', 'zkAuth', 'auth', 'password', 'secret', 'authorization', 'Authorization'];

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-zkpulse-signature"]',
  '*.headers["x-zkpulse-signature"]',
];

/** The collector's logger: JSON lines with secrets redacted, to stdout or to `destination`. */
export function createCollectorLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const opts = { level: options.level ?? 'info', redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
