/**
 * Which servers an ensemble has: the hosts of its connect string, and, when dynamic reconfiguration is on,
 * the members `/zookeeper/config` lists (`server.N=host:quorumPort:electionPort[:role];[clientHost:]clientPort`,
 * ZooKeeper's QuorumPeer.QuorumServer format). Pure; a line that does not parse is left out.
 */

export interface EnsembleMember {
  /** host:clientPort, as the poller names the server */
  server: string;
  host: string;
  port: number;
  /** participant: true; observer: false; unknown (connect string only): null */
  voting: boolean | null;
}

/** The servers of a connect string (`host:port,host:port[/chroot]`), in order, without duplicates. */
export function membersOfConnectString(connect: string): EnsembleMember[] {
  const slash = connect.indexOf('/');
  const hosts = (slash === -1 ? connect : connect.slice(0, slash)).split(',');
  const out = new Map<string, EnsembleMember>();
  for (const entry of hosts) {
    const text = entry.trim();
    const colon = text.lastIndexOf(':');
    const host = colon > 0 ? text.slice(0, colon) : text;
    const port = colon > 0 ? Number(text.slice(colon + 1)) : 2181;
    if (host === '' || !Number.isInteger(port) || port <= 0 || port > 65535) continue;
    const server = `${host}:${port}`;
    if (!out.has(server)) out.set(server, { server, host, port, voting: null });
  }
  return [...out.values()];
}

/**
 * The members of `/zookeeper/config` that name a client port (a static config without `;clientPort`
 * names none). A client address of 0.0.0.0 (or ::) means "every interface": the quorum host is used.
 */
export function membersOfDynamicConfig(text: string): EnsembleMember[] {
  const out: EnsembleMember[] = [];
  for (const line of text.split('\n', 10_000)) {
    const match = /^server\.(\d+)=([^;]*);(.*)$/.exec(line.trim());
    if (!match) continue;
    const quorum = (match[2] ?? '').split(':');
    const quorumHost = quorum[0] ?? '';
    const role = quorum[3]?.trim();
    const client = (match[3] ?? '').trim();
    const colon = client.lastIndexOf(':');
    let host = colon >= 0 ? client.slice(0, colon) : quorumHost;
    const port = Number(colon >= 0 ? client.slice(colon + 1) : client);
    if (host === '0.0.0.0' || host === '' || host === '::' || host === '[::]') host = quorumHost;
    if (host === '' || !/^[\w.:[\]-]+$/.test(host) || !Number.isInteger(port) || port <= 0 || port > 65535) continue;
    out.push({ server: `${host}:${port}`, host, port, voting: role !== 'observer' });
  }
  return out;
}

/** The connect string's servers, plus those of the dynamic config; the config's voting role where it names one. */
export function mergeMembers(fromConnect: readonly EnsembleMember[], fromConfig: readonly EnsembleMember[]): EnsembleMember[] {
  const out = new Map(fromConnect.map((m) => [m.server, m]));
  for (const member of fromConfig) out.set(member.server, { ...(out.get(member.server) ?? member), voting: member.voting });
  return [...out.values()];
}
