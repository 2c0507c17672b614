/**
 * ZooKeeper's AdminServer (3.5+, Jetty on `admin.serverPort`, default 8080): `GET /commands/<name>`
 * answers one JSON object, `{..., "command": name, "error": null | "..."}`. Bounded in time and size;
 * the answer is input: it is parsed (64-bit ids kept exact) and its envelope validated here, its fields by
 * the caller (collector/ensemble/parse-admin.ts).
 */
import http from 'node:http';
import { z } from 'zod';

export const ADMIN_TIMEOUT_MS = 2000;
/** `/commands/monitor` is ~30 KB; `/commands/connections` ~450 bytes a client */
export const ADMIN_MAX_BYTES = 16 * 1024 * 1024;

export interface AdminOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/** Why a command got no usable answer; `code`: the socket error's, `timeout`, `too-large`, `http-<status>`, `not-json`, `error`. */
export class AdminServerError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'AdminServerError';
  }
}

const envelope = z.looseObject({ command: z.string().optional(), error: z.string().nullable().optional() });

/**
 * JSON numbers past 2^53 lose digits in JSON.parse: session ids (`"session_id" : 72058971521548290`) and
 * zxids are 64-bit, so those values are turned into strings before parsing. Inside a JSON string the
 * key's quotes are escaped (\"), so only real keys match.
 */
const WIDE_KEYS = /"(session_id|sessionid|last_zxid|last_processed_zxid|zxid)"(\s*):(\s*)(-?\d+)/g;

export function parseAdminJson(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(WIDE_KEYS, '"$1"$2:$3"$4"'));
  } catch {
    return 'the answer is not JSON';
  }
  const checked = envelope.safeParse(value);
  if (!checked.success || typeof value !== 'object' || value === null || Array.isArray(value)) return 'the answer is not a JSON object';
  if (typeof checked.data.error === 'string') return `the server says: ${checked.data.error.slice(0, 200)}`;
  return value as Record<string, unknown>;
}

/** GET http://host:port/commands/<name>: the answer's JSON object, or rejects with an AdminServerError naming the URL. */
export function adminCommand(host: string, port: number, name: string, options: AdminOptions = {}): Promise<Record<string, unknown>> {
  const timeoutMs = options.timeoutMs ?? ADMIN_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? ADMIN_MAX_BYTES;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/commands/${encodeURIComponent(name)}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string, code: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(new AdminServerError(`${url}: ${message}`, code));
    };
    const request = http.get(url, { headers: { accept: 'application/json' }, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        return fail(`HTTP ${status}`, `http-${status}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return fail(`answer larger than ${maxBytes} bytes`, 'too-large');
        chunks.push(chunk);
      });
      response.on('error', (error) => fail(error.message, 'error'));
      response.on('end', () => {
        if (settled) return;
        const parsed = parseAdminJson(Buffer.concat(chunks).toString('utf8'));
        if (typeof parsed === 'string') return fail(parsed, 'not-json');
        settled = true;
        clearTimeout(timer);
        resolve(parsed);
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => fail(error.message, error.code ?? 'error'));
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`, 'timeout'), timeoutMs);
  });
}
