/**
 * InfluxQL queries (epoch=ms), for checks and tests, through node-influx's `InfluxDB.queryRaw`
 * (node_modules/influx/lib/src/index.js). Unlike the writer's requests, a query's reply is read whole
 * (pool.js `json`): its rows are the point.
 */
import { InfluxDB } from 'influx';
import { parseInfluxUrl, type InfluxTarget } from './influx-url.ts';

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

interface RawResponse {
  results?: { error?: string; series?: Series[] }[];
}

/**
 * A node-influx client for the database of `target`, with its retries off (maxRetries 0, as in the writer).
 * Credentials come from the URL's user:password, else its `u`/`p` parameters; with none, username is
 * null: node-influx would otherwise send `root:root` (index.js `defaultOptions`, applied to undefined only).
 */
export function influxClient(target: InfluxTarget, timeoutMs: number): InfluxDB {
  const url = new URL(target.base);
  const https = url.protocol === 'https:';
  const username = target.credentials?.username ?? target.params.get('u') ?? (null as unknown as string);
  const password = target.credentials?.password ?? target.params.get('p') ?? '';
  return new InfluxDB({
    host: url.hostname,
    port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    protocol: https ? 'https' : 'http',
    path: url.pathname === '/' ? '' : url.pathname,
    database: target.database,
    username,
    password,
    pool: { maxRetries: 0, requestTimeout: timeoutMs },
  });
}

/** Runs one statement against the database of `url` (http://host:port/db); throws on any error. */
export async function queryInflux(url: string, q: string, options: { timeoutMs?: number } = {}): Promise<Series[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = parseInfluxUrl(url);
  const signal = AbortSignal.timeout(timeoutMs);
  // node-influx hands `signal` to http.request, but once a reply has begun it waits for the body's end and
  // ignores the abort (pool.js `doOnce`): the race makes the timeout hold for a reply that stalls half-way
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`no complete answer within ${timeoutMs} ms`)), { once: true }),
  );
  let body: RawResponse;
  try {
    const query = influxClient(target, timeoutMs).queryRaw(q, { precision: 'ms', retentionPolicy: target.params.get('rp') ?? undefined, signal });
    body = (await Promise.race([query, aborted])) as RawResponse;
  } catch (err) {
    // node-influx's RequestError says `A 400 Bad Request error occurred: {"error":…}`; the object holds the request
    throw new Error(`InfluxDB query ${JSON.stringify(q)} failed: ${(err as Error).message}`);
  }
  const error = body.results?.[0]?.error;
  if (error !== undefined) throw new Error(`InfluxDB query ${JSON.stringify(q)} failed: ${error}`);
  return body.results?.[0]?.series ?? [];
}

/** Rows of all series as objects keyed by column (tags of GROUP BY merged in). */
export function rows(series: Series[]): Record<string, unknown>[] {
  return series.flatMap((s) =>
    s.values.map((v) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) })),
  );
}
