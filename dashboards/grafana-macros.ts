/**
 * How Grafana's InfluxDB (InfluxQL) datasource fills a raw query before sending it: `$timeFilter`
 * becomes a time condition, `$__interval`/`$interval` the group-by interval, and a template variable
 * its value — regex-escaped inside `/.../` (where `=~` compares) and quote-escaped elsewhere.
 * Used by tests to run every dashboard query against a real InfluxDB, and handy for debugging one.
 */
export interface GrafanaQueryContext {
  /** relative range, e.g. `1h` → `time >= now() - 1h and time <= now()` */
  range: string;
  /** e.g. `10s` */
  interval: string;
  /** template variables by name, e.g. { cluster: 'crawler' } */
  variables: Record<string, string>;
}

/** Grafana's escaping of a single variable value inside a regex literal. */
export function escapeRegexValue(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

const escapeQuoted = (value: string) => value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

export function expandGrafanaQuery(query: string, ctx: GrafanaQueryContext): string {
  let q = query
    .replace(/\$timeFilter\b/g, `time >= now() - ${ctx.range} and time <= now()`)
    .replace(/\$__interval\b|\$interval\b/g, ctx.interval);
  // inside /.../ literals first, so those values get regex escaping
  q = q.replace(/\/((?:\\\/|[^/\n])*)\//g, (literal, body: string) =>
    `/${body.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a?: string, b?: string) => {
      const value = ctx.variables[(a ?? b)!];
      return value === undefined ? m : escapeRegexValue(value);
    })}/`,
  );
  return q.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a?: string, b?: string) => {
    const value = ctx.variables[(a ?? b)!];
    return value === undefined ? m : escapeQuoted(value);
  });
}
