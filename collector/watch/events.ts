/**
 * Events of the watch layer: what the collector observed in ZooKeeper, in order.
 * These are the input of the cluster model reducer and the unit of a recording
 * (see replay/), so they are plain JSON-serialisable data.
 */

import type { ConnectionEvent, ZnodeStat } from '../../zk/events.ts';

export type { ConnectionEvent, ConnectionState, ZnodeStat } from '../../zk/events.ts';
export { PERSISTENT_OWNER } from '../../zk/events.ts';

/** A change to one znode of a monitored cluster. */
export interface NodeEvent {
  kind: 'added' | 'changed' | 'removed';
  /** configured cluster name */
  cluster: string;
  /** path relative to the cluster root without a leading slash: "workers/w1", "assign/w1/t7", "master" */
  path: string;
  /** the node's stat; for "removed" the last stat that was known */
  stat: ZnodeStat;
  /**
   * The node's data as UTF-8 text; null when the node has no data or when it was larger than
   * the collector's data limit (stat.dataLength tells the real size). For "removed": the last known data.
   */
  data: string | null;
  /** when the collector observed it, ms since the epoch (the collector's injected clock) */
  time: number;
  /** set when the change was found by a resync after a blind period (disconnect or expiry) */
  afterBlind?: true;
  /**
   * The exact data, base64, when it is not valid UTF-8 (`data` is then a lossy text): binary formats
   * (HBase, Hadoop HA protobuf). Absent for UTF-8 data, whose bytes are its text.
   */
  dataBase64?: string;
}

/** A full read of a cluster's tree finished (first sync, or resync after a blind period). */
export interface SyncEvent {
  kind: 'synced';
  cluster: string;
  time: number;
  /** number of znodes in the mirrored tree */
  nodes: number;
  afterBlind?: true;
}

export type WatchEvent = NodeEvent | ConnectionEvent | SyncEvent;

