/**
 * The `zookeeper` InfluxDB measurement (docs/contract.md §10): one point per server and poll, tags
 * `ensemble`, `server`. Field types fixed once: integers for up/serving and every count, a float for
 * avg_latency (ZooKeeper reports a fraction), strings for mode and zxid. A metric the server did not
 * report (a follower's learners, a server that is down) is left out of the point, never written as 0.
 */
import { int, type FieldValue, type Point } from '../influx/line-protocol.ts';
import { METRIC_KEYS } from './parse-values.ts';
import type { EnsembleSnapshot, ServerObservation } from './types.ts';

export function zookeeperPoint(ensemble: string, s: ServerObservation, time: number): Point {
  const fields: Record<string, FieldValue> = { up: int(s.up), serving: int(s.serving) };
  if (s.mode !== null) fields.mode = s.mode;
  for (const key of METRIC_KEYS) {
    const value = s.metrics[key];
    if (value === null) continue;
    fields[key] = key === 'avg_latency' ? value : int(value);
  }
  if (s.zxid !== null) fields.zxid = s.zxid;
  return { measurement: 'zookeeper', tags: { ensemble, server: s.server }, fields, time };
}

export function zookeeperPoints(snapshot: EnsembleSnapshot): Point[] {
  return snapshot.servers.map((s) => zookeeperPoint(snapshot.ensemble, s, snapshot.time));
}
