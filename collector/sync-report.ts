/**
 * The log line of a finished sync, a pure function of the `synced` event, when the session that started it
 * connected, and the model it was folded into: `cluster crawler synced: 10,024 znodes, 10,000 of 10,000
 * workers up, 1,402 ms after connect` (`resynced` after a blind period). It tells a person when the API
 * holds the whole cluster, and the cold-start benchmark (bench/cold-start) when the model is complete.
 */
import type { SyncEvent } from './watch/events.ts';
import type { ClusterModel } from './model/types.ts';

export interface SyncReport {
  message: string;
  fields: { cluster: string; nodes: number; workers: number; workersUp: number; syncMs: number | null; resync: boolean };
}

const n = (x: number) => x.toLocaleString('en-US');

/** `connectedAt`: the time of the connection event whose sync this is (null if none was seen). */
export function syncReport(event: SyncEvent, connectedAt: number | null, model: ClusterModel | undefined): SyncReport {
  const workers = model?.workers.size ?? 0;
  const workersUp = model?.workers.count((w) => w.up) ?? 0;
  const syncMs = connectedAt === null ? null : Math.max(0, event.time - connectedAt);
  const resync = event.afterBlind === true;
  const after = syncMs === null ? '' : `, ${n(syncMs)} ms after connect`;
  return {
    message: `cluster ${event.cluster} ${resync ? 'resynced' : 'synced'}: ${n(event.nodes)} znode${event.nodes === 1 ? '' : 's'}, ${n(workersUp)} of ${n(workers)} workers up${after}`,
    fields: { cluster: event.cluster, nodes: event.nodes, workers, workersUp, syncMs, resync },
  };
}
