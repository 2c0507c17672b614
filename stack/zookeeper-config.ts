/** One member of an ensemble, as written in `server.N=127.0.0.1:peer:election`. */
export interface QuorumMember {
  id: number;
  peerPort: number;
  electionPort: number;
}

export interface ZooKeeperConfig {
  clientPort: number;
  dataDir: string;
  tickTime: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  /** Ensemble members (all of them, this one included); absent for a standalone server. */
  quorum?: QuorumMember[];
  /** the AdminServer's port on 127.0.0.1 (`admin.enableServer=true`); absent: no AdminServer */
  adminPort?: number;
  /** `4lw.commands.whitelist` (default `*`); ZooKeeper always allows `srvr` besides */
  fourLetterWhitelist?: string;
}

/** The zoo.cfg text for one server, bound to loopback. */
export function zooCfg(config: ZooKeeperConfig): string {
  const lines = [
    `tickTime=${config.tickTime}`,
    `minSessionTimeout=${config.minSessionTimeout}`,
    `maxSessionTimeout=${config.maxSessionTimeout}`,
    `dataDir=${config.dataDir}`,
    `clientPort=${config.clientPort}`,
    'clientPortAddress=127.0.0.1',
    'maxClientCnxns=0',
    ...(config.adminPort === undefined
      ? ['admin.enableServer=false']
      : ['admin.enableServer=true', 'admin.serverAddress=127.0.0.1', `admin.serverPort=${config.adminPort}`]),
    `4lw.commands.whitelist=${config.fourLetterWhitelist ?? '*'}`,
    // Throwaway servers: a txn is written to the OS before the ack (kill -9 loses nothing), just not fsynced.
    'forceSync=no',
    'preAllocSize=4096',
  ];
  if (config.quorum) {
    lines.push('initLimit=20', 'syncLimit=10');
    for (const member of config.quorum) {
      lines.push(`server.${member.id}=127.0.0.1:${member.peerPort}:${member.electionPort}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function sessionLimits(opts: { tickTime?: number; minSessionTimeout?: number; maxSessionTimeout?: number }): {
  tickTime: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
} {
  // tickTime 500 allows session timeouts from 1 s to 10 s, so tests can expire sessions quickly.
  const tickTime = opts.tickTime ?? 500;
  return {
    tickTime,
    minSessionTimeout: opts.minSessionTimeout ?? 2 * tickTime,
    maxSessionTimeout: opts.maxSessionTimeout ?? 20 * tickTime,
  };
}
