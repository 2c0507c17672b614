/**
 * What the ZooKeeper layer reports: a znode's stat in JSON-safe form, and the session's connection
 * events. Plain data, so they can be recorded and replayed (see replay/).
 */

/** A znode's Stat, with 64-bit values as decimal strings (zxids) or hex (session ids). */
export interface ZnodeStat {
  /** zxid of the create, decimal string. The master's czxid is its epoch. */
  czxid: string;
  /** zxid of the last data change, decimal string. */
  mzxid: string;
  /** create time, ms since the epoch (server clock). */
  ctime: number;
  /** last data change time, ms since the epoch (server clock). A worker's beat time. */
  mtime: number;
  version: number;
  cversion: number;
  /** session id that owns an ephemeral node as 16 hex digits; "0000000000000000" when persistent. */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export type ConnectionState = 'connected' | 'disconnected' | 'expired' | 'reconnected';

/** The collector's own ZooKeeper session changed state. Applies to every cluster. */
export interface ConnectionEvent {
  kind: 'connection';
  state: ConnectionState;
  time: number;
  /** session id, 16 hex digits, when connected */
  sessionId?: string;
  /** why, for disconnected/expired: "probe timeout", "socket closed", ... */
  reason?: string;
  /**
   * the ensemble whose session it is (`ensembles.<name>`, docs/contract.md §10): it applies to the clusters on
   * that ensemble only. Absent: `default` (the `zk` session), as in every recording made before.
   */
  ensemble?: string;
}

/** The ephemeralOwner of a persistent node. */
export const PERSISTENT_OWNER = '0000000000000000';
