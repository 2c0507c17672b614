/**
 * Reads `--influx http://[user:password@]host:8086/db[?u=..&p=..&rp=..]` (docs/contract.md §3/§4).
 * The last path segment names the database (default "zkpulse"); what comes before it is kept as a
 * path prefix (InfluxDB behind a reverse proxy). user:password become a Basic auth header, because
 * fetch refuses URLs with credentials; query parameters (u, p, rp, consistency) are passed through.
 */
export interface InfluxTarget {
  /** origin + path prefix, no trailing slash */
  base: string;
  database: string;
  /** query parameters to add to every request */
  params: URLSearchParams;
  /** user:password of the URL, percent-decoded */
  credentials?: { username: string; password: string };
  /** Authorization header value, if the URL had user:password */
  authorization?: string;
}

export const DEFAULT_DATABASE = 'zkpulse';

export function parseInfluxUrl(raw: string): InfluxTarget {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`influx URL must be http(s)://host:port/db, got ${url.protocol}`);
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const last = segments.pop();
  const database = last === undefined ? DEFAULT_DATABASE : decodeURIComponent(last);
  const prefix = segments.length > 0 ? `/${segments.join('/')}` : '';
  const target: InfluxTarget = { base: `${url.origin}${prefix}`, database, params: new URLSearchParams(url.search) };
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    target.credentials = { username: user, password };
    target.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return target;
}

