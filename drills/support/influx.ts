/** InfluxQL against the drill's private InfluxDB. */
export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export async function influxQuery(baseUrl: string, db: string, q: string): Promise<Series[]> {
  const url = `${baseUrl}/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string };
  const first = body.results?.[0];
  if (!res.ok || body.error || first?.error) throw new Error(`InfluxQL ${q}: ${body.error ?? first?.error ?? res.status}`);
  return first?.series ?? [];
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
