/** `GET /api/collector`: this collector's instance, HA role and ZooKeeper session. */
import { Router } from '../collector/http/express.ts';
import type { CollectorRole } from './ha/role.ts';

export interface CollectorInfo {
  instance: string;
  /** whether this collector takes part in an HA group (`--ha`) */
  ha: boolean;
  role: CollectorRole;
  /** the HA group's path, when ha */
  haPath: string | null;
  /** the ZooKeeper session id (16 hex digits) or null before the first connect */
  session: string | null;
  connected: boolean;
  /** the fencing epoch while active in an HA group */
  epoch: string | null;
  /** `single` or `shard` when ha */
  haMode?: 'single' | 'shard';
  /** this process's memory (process.memoryUsage(), bytes), to watch the footprint */
  memory?: NodeJS.MemoryUsage;
}

/** haMode shard: this collector's share and where the rest is (also in CollectorInfo) */
export interface ShardInfo {
  /** the units this collector acts for (notifies, writes points): clusters and `ensemble:<name>` */
  owned: string[];
  /** the units it watches: owned, and the ones it would take over next (warm replicas) */
  watched: string[];
  /** its member node says ready (others count it) */
  ready: boolean;
  members: { id: string; ready: boolean; http: string | null }[];
  /** unit → the instance holding its owner node */
  owners: Record<string, string>;
  /** the configured clusters this collector does not act for: who does, and its API */
  elsewhere: { name: string; owner: string | null; http: string | null }[];
  /** e.g. another live collector has our instance name */
  problem: string | null;
  /** what the shard protocol waits on: owner nodes being created, held by others, being released */
  pending: { connected: boolean; claiming: string[]; blocked: string[]; releasing: string[] };
}

export type CollectorInfoWithShard = CollectorInfo & Partial<ShardInfo>;

export function collectorRouter(info: () => CollectorInfoWithShard): Router {
  const router = Router();
  router.get('/api/collector', (_req, res) => {
    res.json({ ...info(), memory: process.memoryUsage() });
  });
  return router;
}
