/**
 * The Host check against DNS rebinding: a web page on evil.example can make its own name resolve to
 * 127.0.0.1 and then read a loopback-bound API "same-origin". Its requests still carry
 * `Host: evil.example`, so while the collector is bound to a loopback address it answers only loopback
 * names (localhost, *.localhost, 127.x.x.x, [::1], any port) plus the configured `allowedHosts`.
 * Bound elsewhere, the check is on only when allowedHosts is given. `*` turns it off. Pure.
 */

export interface HostPolicy {
  /** exact names and IP literals, lowercase, IPv6 without brackets */
  exact: ReadonlySet<string>;
  /** ".example.com" entries: the name and every name below it */
  suffixes: readonly string[];
  /** what the refusal says to do */
  bindHost: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isLoopbackIPv4(host: string): boolean {
  const m = IPV4.exec(host);
  return m !== null && m[1] === '127' && m.slice(2).every((o) => Number(o) <= 255);
}

/** A host name or IP literal as compared: lowercase, no brackets, no trailing dot; IPv6 in canonical form. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.includes(':')) {
    try {
      return new URL(`http://[${h}]/`).hostname.slice(1, -1);
    } catch {
      return h;
    }
  }
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

export function isLoopbackHost(host: string): boolean {
  const h = normalizeHost(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || isLoopbackIPv4(h);
}

/** The policy for a server bound to `bindHost`; null: no check. */
export function hostPolicy(bindHost: string, allowedHosts: readonly string[] | undefined): HostPolicy | null {
  const loopback = isLoopbackHost(bindHost);
  if (allowedHosts?.includes('*')) return null;
  if (!loopback && allowedHosts === undefined) return null;
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const wildcardBind = ['0.0.0.0', '::'].includes(normalizeHost(bindHost));
  if (!wildcardBind) exact.add(normalizeHost(bindHost));
  for (const entry of allowedHosts ?? []) {
    if (entry.startsWith('.')) suffixes.push(normalizeHost(entry.slice(1)));
    else exact.add(normalizeHost(entry));
  }
  return { exact, suffixes, bindHost };
}

/** The host name of a Host header ("name:port", "[v6]:port"); null when it is not one. */
export function hostOfHeader(header: string): string | null {
  if (!/^[A-Za-z0-9.\-_:[\]]+$/.test(header)) return null;
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::\d{0,5})?$/.exec(header);
  return m ? normalizeHost(m[1] ?? '') : null;
}

/** Whether a request with this Host header is answered. No Host at all (HTTP/1.0) cannot come from a browser. */
export function hostAllowed(header: string | undefined, policy: HostPolicy | null): boolean {
  if (policy === null || header === undefined) return true;
  const host = hostOfHeader(header);
  if (host === null) return false;
  if (isLoopbackHost(host) || policy.exact.has(host)) return true;
  return policy.suffixes.some((s) => host === s || host.endsWith(`.${s}`));
}

export function hostRefusal(header: string | undefined, policy: HostPolicy): string {
  return (
    `Host ${JSON.stringify(header ?? '')} is not allowed: this collector (bound to ${policy.bindHost}) answers only ` +
    'loopback names and its allowedHosts; add the name to --allowed-hosts (config: allowedHosts) to serve it'
  );
}
