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
  /** this process's memory (process.memoryUsage(), bytes), to watch the footprint */
  memory?: NodeJS.MemoryUsage;
}

export function collectorRouter(info: () => CollectorInfo): Router {
  const router = Router();
  router.get('/api/collector', (_req, res) => {
    res.json({ ...info(), memory: process.memoryUsage() });
  });
  return router;
}
