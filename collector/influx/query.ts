/**
 * A minimal InfluxQL query client (GET /query with epoch=ms), for checks and tests.
 */
import { parseInfluxUrl } from './influx-url.ts';

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** Runs one statement against the database of `url` (http://host:port/db); throws on any error. */
export async function queryInflux(url: string, q: string, options: { timeoutMs?: number } = {}): Promise<Series[]> {
  const target = parseInfluxUrl(url);
  const params = new URLSearchParams(target.params);
  params.set('db', target.database);
  params.set('epoch', 'ms');
  params.set('q', q);
  const headers: Record<string, string> = target.authorization ? { authorization: target.authorization } : {};
  const res = await fetch(`${target.base}/query?${params}`, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const body = (await res.json()) as { error?: string; results?: { error?: string; series?: Series[] }[] };
  const error = body.error ?? body.results?.[0]?.error;
  if (!res.ok || error !== undefined) throw new Error(`InfluxDB query failed (${res.status}): ${error ?? 'no results'}`);
  return body.results?.[0]?.series ?? [];
}

/** Rows of all series as objects keyed by column (tags of GROUP BY merged in). */
export function rows(series: Series[]): Record<string, unknown>[] {
  return series.flatMap((s) =>
    s.values.map((v) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) })),
  );
}
