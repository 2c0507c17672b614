/**
 * Secrets never reach the log, in two layers:
 * - by field name: pino redacts the config's secrets and Authorization headers wherever they appear in
 *   a logged object (one or two levels deep: `{config: {apiToken}}`, `{req: {headers}}`);
 * - by value, in every line as written (message text, nested fields, error messages and stacks, child
 *   bindings): the userinfo of any URL (`http://user:pw@host` → `http://[redacted]@host`) and the
 *   literal value of each configured secret (see secretsOf) become `[redacted]`.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { CollectConfig } from '../config.ts';

export const CENSOR = '[redacted]';

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

/** scheme://userinfo@ — the userinfo runs to the last "@" before the host's end (as the URL parser reads it) */
const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/g;

/** A URL's password, percent-encoded as written and decoded, and the Basic token its userinfo becomes. */
function urlSecrets(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const out: string[] = [];
  const p = url.searchParams.get('p'); // InfluxDB 1.x takes the password as ?p= too
  if (p) out.push(p, encodeURIComponent(p));
  if (url.username === '' && url.password === '') return out;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = decode(url.username);
  const password = decode(url.password);
  if (url.password !== '') out.push(url.password, password);
  out.push(Buffer.from(`${user}:${password}`, 'utf8').toString('base64'));
  return out;
}

/** The literal secret values of a collector config: they are redacted wherever they appear in a log line. */
export function secretsOf(config: Pick<CollectConfig, 'apiToken' | 'webhookSecret' | 'zkAuth' | 'influx' | 'webhook' | 'alertmanager'>): string[] {
  const out: string[] = [];
  if (config.apiToken) out.push(config.apiToken);
  if (config.webhookSecret) out.push(config.webhookSecret);
  if (config.zkAuth) {
    const password = config.zkAuth.slice(config.zkAuth.indexOf(':') + 1);
    out.push(config.zkAuth, password);
  }
  for (const url of [config.influx, ...config.webhook, ...config.alertmanager]) out.push(...urlSecrets(url));
  // longest first: a secret that contains another is replaced whole
  return [...new Set(out.filter((s) => s !== ''))].sort((a, b) => b.length - a.length);
}

/** Text with every URL's userinfo and every literal secret replaced by [redacted]. Pure. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.includes('://') ? text.replace(URL_USERINFO, `$1${CENSOR}@`) : text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  return out;
}

/** a JSON string token (pino writes no spaces, so a key's token is followed directly by ":") */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * One JSON log line with redactText applied to each string value (keys are left alone): values are
 * decoded and encoded again, so the line stays valid JSON whatever the secret's characters are.
 */
export function redactLine(line: string, secrets: readonly string[] = []): string {
  return line.replace(JSON_STRING, (token: string, offset: number) => {
    if (line[offset + token.length] === ':') return token;
    const value = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
    const redacted = redactText(value, secrets);
    return redacted === value ? token : JSON.stringify(redacted);
  });
}

export interface CollectorLoggerOptions {
  level?: string;
  /** default stdout */
  destination?: DestinationStream;
  /** literal values to redact wherever they appear (secretsOf(config)) */
  secrets?: readonly string[];
}

/** The collector's logger: JSON lines with secrets redacted, to stdout or to `destination`. */
export function createCollectorLogger(options: CollectorLoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  const opts = {
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS], censor: CENSOR },
    hooks: { streamWrite: (line: string) => redactLine(line, secrets) },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
