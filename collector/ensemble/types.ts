/**
 * What the collector observes of a ZooKeeper ensemble's own servers (docs/contract.md §10): one poll of every
 * server, through the AdminServer (`/commands/monitor`, `/commands/connections`, `/commands/stats`) where it
 * answers, else the four-letter words `mntr`, `ruok`, `srvr`, `cons`. Plain JSON-safe data: the poller
 * (collector/ensemble/) produces it, the `zookeeper` points, the API and the ensemble rules (alerts/) read it.
 */

export type ServerMode = 'leader' | 'follower' | 'observer' | 'standalone';

/** The numbers of `mntr` / `/commands/monitor` that §10's `zookeeper` measurement carries (null: not reported). */
export interface ServerMetrics {
  avg_latency: number | null;
  max_latency: number | null;
  outstanding_requests: number | null;
  znode_count: number | null;
  watch_count: number | null;
  ephemerals_count: number | null;
  num_alive_connections: number | null;
  open_file_descriptor_count: number | null;
  max_file_descriptor_count: number | null;
  approximate_data_size: number | null;
  /** leader only: learners, synced followers, pending syncs */
  learners: number | null;
  synced_followers: number | null;
  pending_syncs: number | null;
  quorum_size: number | null;
}

/** One client connection a server lists (`cons` / `/commands/connections`). */
export interface ClientConnection {
  /** the server that holds it, as in ServerObservation.server */
  server: string;
  /** the client's address as the server sees it, "ip:port" (IPv6 in brackets) */
  address: string;
  /** its session id, 16 lowercase hex digits (as ZnodeStat.ephemeralOwner) */
  session: string;
}

/** One server, at one poll. */
export interface ServerObservation {
  /** host:clientPort, as in the connect string (or /zookeeper/config) */
  server: string;
  /** it answered at all (TCP and a reply) */
  up: boolean;
  /** it serves clients (ruok `imok` is not enough: `mntr`/monitor says so, or `srvr` does not say "not currently serving") */
  serving: boolean;
  mode: ServerMode | null;
  /**
   * it votes (a participant), from /zookeeper/config when reconfiguration is on, else from its mode
   * (an observer does not vote); null while unknown (a server that is down and was never seen)
   */
  voting: boolean | null;
  /** how it was read: the AdminServer, the four-letter words, or not at all */
  source: 'admin' | '4lw' | null;
  /** why it could not be read, for people: "4lw mntr refused: add it to 4lw.commands.whitelist", "connect ECONNREFUSED 127.0.0.1:2181" */
  problem: string | null;
  metrics: ServerMetrics;
  /** the last zxid, decimal string (srvr or /commands/stats); null when not known */
  zxid: string | null;
}

/** One poll of one ensemble: every server it has, and the connections they list. */
export interface EnsembleSnapshot {
  /** the ensemble's name (`ensembles.<name>`; `default` for `zk`) */
  ensemble: string;
  /** when the poll finished, ms since the epoch (the collector's injected clock) */
  time: number;
  servers: readonly ServerObservation[];
  /** the client connections listed by the servers that answered */
  connections: readonly ClientConnection[];
}
