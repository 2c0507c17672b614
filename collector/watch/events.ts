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
  /**
   * Set instead of the data for a configuration key (role `config`, docs/contract.md §9): the watch layer
   * fingerprints the data at the edge and drops it, so no secret reaches the model, a recording or InfluxDB.
   * `data` is then null and `dataBase64` absent. See contract/config-digest.ts.
   */
  config?: ConfigFingerprint;
}

/** What the collector keeps of a configuration key's data (docs/contract.md §9). */
export interface ConfigFingerprint {
  /** sha256 of the exact bytes, lowercase hex; null when the data was larger than the collector's limit */
  digest: string | null;
  /**
   * For keys that opt in to a diff (JSON objects only): each top-level field name → a short digest of its
   * value, so the model can say which names changed without ever holding a value.
   */
  fields?: Record<string, string>;
}

/**
 * A watched parent's child counter is high (docs/contract.md §9, SequenceNearExhaustion): ZooKeeper names a
 * sequential child after the parent's cversion, a signed 32-bit counter. The watch layer reports a container's
 * cversion when it is at least `SEQUENCE_REPORT_FLOOR` (contract/sequence-floor.ts), and once more when it
 * falls below again (the parent was deleted: cversion null, or re-created).
 */
export interface SequenceEvent {
  kind: 'sequence';
  cluster: string;
  /** the parent's path relative to the cluster root */
  path: string;
  /** its cversion; null when the parent is gone */
  cversion: number | null;
  time: number;
  afterBlind?: true;
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

export type WatchEvent = NodeEvent | ConnectionEvent | SyncEvent | SequenceEvent;

