/**
 * Pure checks for the string-shaped config values. Each returns null when the value is fine,
 * otherwise a short reason (without the key name; the caller adds it).
 */
import { isIPv4, isIPv6 } from 'node:net';

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function checkPort(text: string, allowZero: boolean): string | null {
  if (!/^\d{1,5}$/.test(text)) return `port "${text}" is not a number`;
  const port = Number(text);
  if (port > 65535 || (!allowZero && port === 0)) return `port ${port} is out of range`;
  return null;
}

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Why `host` cannot be a host name or IPv4 address, or null. A name whose last label is all digits
 * is meant as an IPv4 address (no top-level domain is numeric), so it must be one: "999.1.1.1" is
 * refused here instead of failing later in a DNS lookup.
 */
function checkHost(host: string): string | null {
  if (!HOST.test(host)) return `"${host}" is not a host name`;
  if (/(?:^|\.)\d+$/.test(host)) return isIPv4(host) ? null : `"${host}" is not an IPv4 address (four numbers 0-255)`;
  if (host.length > 253) return `"${host.slice(0, 20)}..." is longer than a host name may be (253 characters)`;
  if (host.split('.').some((label) => label.length > 63)) return `"${host}" has a label longer than 63 characters`;
  return null;
}

/** Parses "host:port" (a host name or IPv4 address) or "[ipv6]:port"; port 0 means "any free port". */
export function parseHostPort(text: string): HostPort | string {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:(.*)$/.exec(text);
  const plain = /^([^:[\]]+):(.*)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return `expected host:port, got ${JSON.stringify(text)}`;
  const host = match[1] ?? '';
  const portText = match[2] ?? '';
  const hostProblem = bracketed ? (isIPv6(host) ? null : `"[${host}]" is not an IPv6 address`) : checkHost(host);
  if (hostProblem) return `expected host:port, ${hostProblem}`;
  const portProblem = checkPort(portText, true);
  if (portProblem) return `expected host:port, ${portProblem}`;
  return { host, port: Number(portText) };
}

/**
 * Checks an absolute ZooKeeper path as used for a cluster root or a chroot:
 * starts with "/", no trailing slash, no empty, "." or ".." segments, no control characters.
 */
export function checkZkPath(path: string, what: string): string | null {
  if (!path.startsWith('/')) return `${what} must start with "/"`;
  if (path === '/') return `${what} must be a path below "/"`;
  if (path.endsWith('/')) return `${what} must not end with "/"`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return `${what} must not contain control characters`;
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return `${what} must not contain an empty segment ("//")`;
    if (segment === '.' || segment === '..') return `${what} must not contain "." or ".." segments`;
  }
  if (path === '/zookeeper' || path.startsWith('/zookeeper/')) return `${what} must not be inside /zookeeper (reserved)`;
  return null;
}

/** Checks a ZooKeeper connect string: host:port[,host:port...][/chroot]. */
export function checkZkConnect(text: string): string | null {
  if (text.trim() === '') return 'expected host:port[,host:port...], got an empty string';
  const slash = text.indexOf('/');
  const hosts = slash === -1 ? text : text.slice(0, slash);
  const chroot = slash === -1 ? null : text.slice(slash);
  for (const server of hosts.split(',')) {
    // node-zookeeper-client splits each server on ":", so IPv6 literals cannot work
    if (server.startsWith('[')) return `IPv6 addresses are not supported by the ZooKeeper client, use a host name (in ${JSON.stringify(text)})`;
    const parsed = parseHostPort(server);
    if (typeof parsed === 'string') return `${parsed} (in ${JSON.stringify(text)})`;
    if (parsed.port === 0) return `port 0 is not a ZooKeeper port (in ${JSON.stringify(text)})`;
  }
  return chroot === null ? null : checkZkPath(chroot, 'chroot');
}

/** Checks an http(s) URL. */
export function checkHttpUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an http(s) URL, got ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http(s) URL, got protocol "${url.protocol}"`;
  }
  if (url.hostname === '') return 'URL has no host';
  return null;
}

/** Checks "user:password" for ZooKeeper digest auth. */
export function checkUserPassword(text: string): string | null {
  const colon = text.indexOf(':');
  if (colon <= 0) return 'expected user:password';
  if (colon === text.length - 1) return 'expected user:password, the password is empty';
  return null;
}

/**
 * Checks one `allowedHosts` entry: a host name, an IPv4 or IPv6 address (brackets optional),
 * ".example.com" (that name and every name below it), or "*" (any Host: the check is off).
 */
export function checkAllowedHost(text: string): string | null {
  if (text === '*') return null;
  const name = text.startsWith('.') ? text.slice(1) : text;
  const v6 = /^\[?([0-9A-Fa-f:.]+)\]?$/.exec(name);
  if (v6 && name.includes(':')) {
    try {
      new URL(`http://[${v6[1]}]/`);
      return null;
    } catch {
      return `${JSON.stringify(text)} is not an IPv6 address`;
    }
  }
  if (!HOST.test(name.endsWith('.') ? name.slice(0, -1) : name)) {
    return `${JSON.stringify(text)} is not a host name (expected a name, an IP address, ".example.com" or "*")`;
  }
  return null;
}

export const CLUSTER_NAME = /^[A-Za-z0-9_.-]+$/;
