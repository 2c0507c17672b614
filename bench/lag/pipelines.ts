/**
 * The two observers whose lag is measured: zkpulse's watch layer + model, and the floor, a bare
 * node-zookeeper-client data watch per worker, re-armed on each trigger.
 */
import zookeeper from 'node-zookeeper-client';
import { ClusterModels } from '../../collector/cluster-models.ts';
import { ClusterWatch } from '../../collector/watch/cluster-watch.ts';
import { ZkSession } from '../../zk/session.ts';
import { hardenClient } from '../../zk/harden.ts';
import { workerId } from '../support/cluster-data.ts';

export interface Observer {
  stop(): Promise<void>;
}

/** Called when the observer reflects `version` of worker index `worker`. */
export type Record = (worker: number, version: number) => void;

/** Resolves once the model is synced with every worker up; then each new version the model folds is recorded. */
export async function startZkpulse(connectString: string, root: string, workers: number, record: Record): Promise<Observer> {
  const clusters = [{ name: 'bench', root }];
  const session = new ZkSession({ connectString, sessionTimeout: 10_000, probeIntervalMs: 2_000, probeTimeoutMs: 10_000, now: Date.now });
  const watch = new ClusterWatch({ session, clusters, maxDataBytes: 64 * 1024, now: Date.now });
  const models = new ClusterModels(clusters);
  let resolveSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => (resolveSynced = r));
  watch.events$.subscribe((event) => {
    const out = models.apply(event, Date.now());
    if (event.kind === 'synced') resolveSynced();
    if ((event.kind === 'added' || event.kind === 'changed') && event.path.startsWith('workers/')) {
      // reflected = the reducer has folded it and the model holds this beat
      const id = event.path.slice('workers/'.length);
      const beat = out.some((d) => d.type === 'HeartbeatSeen' && d.worker === id);
      if (beat || models.get('bench')?.workers.get(id)?.lastBeat === event.stat.mtime) record(Number(id.slice(1)), event.stat.version);
    }
  });
  watch.start();
  await synced;
  const up = [...(models.get('bench')?.workers.values() ?? [])].filter((w) => w.up).length;
  if (up < workers) throw new Error(`zkpulse model has ${up} workers up, expected ${workers}`);
  return { stop: () => watch.stop() };
}

/** A bare client: getData with a watch on every worker; each trigger re-reads and re-arms. */
export async function startRawFloor(connectString: string, root: string, workers: number, record: Record): Promise<Observer> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000 });
  hardenClient(client);
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  let stopped = false;
  const read = (i: number, done?: () => void) => {
    const path = `${root}/workers/${workerId(i)}`;
    client.getData(
      path,
      () => {
        if (!stopped) read(i);
      },
      (err, _data, stat) => {
        if (!err) record(i, stat.version);
        done?.();
      },
    );
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => new Promise<void>((r) => read(i, r))));
  return {
    stop: async () => {
      stopped = true;
      client.close();
    },
  };
}
