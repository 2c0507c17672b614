/** InfluxQL against the drill's private InfluxDB, through node-influx (collector/influx/query.ts). */
import { queryInflux, type Series } from '../../collector/influx/query.ts';

export function influxQuery(baseUrl: string, db: string, q: string): Promise<Series[]> {
  return queryInflux(`${baseUrl}/${encodeURIComponent(db)}`, q, { timeoutMs: 5000 });
}

/** `SELECT count(field) … GROUP BY tag` as a map tag value → count. */
export async function countBy(baseUrl: string, db: string, measurement: string, field: string, tag: string, fromMs: number, toMs: number): Promise<Map<string, number>> {
  // whole milliseconds, as the events' times are: the writer keeps points of one series in the same ms
  // apart by a few ns, which must not push a point of ms `fromMs` into the window or one of `toMs` out
  const q = `SELECT count("${field}") FROM "${measurement}" WHERE time >= ${fromMs + 1}ms AND time < ${toMs + 1}ms GROUP BY "${tag}"`;
  const out = new Map<string, number>();
  for (const s of await influxQuery(baseUrl, db, q)) out.set(s.tags?.[tag] ?? '', Number(s.values[0]?.[1] ?? 0));
  return out;
}
