/**
 * Drill 4: the collector alone is partitioned from ZooKeeper, silently (its connection goes through a
 * TCP proxy that stops forwarding and keeps the sockets open: no RST, no FIN). The agents keep beating.
 * True: the collector is blind → CollectorDisconnected after 10 s (its `for`), and it inhibits the rest;
 * its session expires at the server meanwhile. After the partition heals the collector starts a new
 * session, resyncs, finds every worker still there: CollectorDisconnected resolves, and nothing else —
 * no WorkerLost, no HeartbeatStale (the resync brings the fresh mtimes).
 */
import { startZooKeeper } from '../../stack/index.ts';
import { startTcpProxy } from '../../stack/tcp-proxy.ts';
import type { Drill } from '../types.ts';
import { CAST, startCast } from '../support/cast.ts';
import { inScene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 4_000;
const HEARTBEAT_MS = 1_000;

export const collectorPartition: Drill = {
  id: 'collector-partition',
  fault: 'collector silently partitioned from ZooKeeper (TCP proxy stops forwarding) 40 s (short: 14 s)',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const partitionMs = short ? 14_000 : 40_000;
      const zk = await startZooKeeper({ minSessionTimeout: 1000 });
      scene.defer(() => zk.stop());
      const proxy = await startTcpProxy(zk.connectString);
      scene.defer(() => proxy.close());
      const root = '/drill/collector-partition';
      await scene.startReceiver();
      startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({ zk: proxy.address, root, sessionTimeout: SESSION_MS, webhook: scene.receiver.url });
      const c = await scene.startCollector('collector', config);
      await scene.untilUp(c.url, CAST, true);
      const stream = await scene.events(c.url);

      proxy.block();
      const blockedAt = Date.now();
      await until('CollectorDisconnected firing', async () => scene.notices(), (n) => n.includes('CollectorDisconnected firing'), 20_000);
      log(`CollectorDisconnected firing ${Date.now() - blockedAt} ms into the partition`);
      await delay(Math.max(0, partitionMs - (Date.now() - blockedAt)));
      proxy.unblock();
      await scene.untilUp(c.url, CAST, true);
      await until('CollectorDisconnected resolved', async () => scene.notices(), (n) => n.includes('CollectorDisconnected resolved'), 20_000);
      await delay(4 * HEARTBEAT_MS + 2_000); // quiet window: a late WorkerLost or a stale beat would show

      scene.checkNotices(['CollectorDisconnected firing', 'CollectorDisconnected resolved'], 'the collector was blind; the cluster was fine');
      const left = stream.events.filter((e) => e.type === 'WorkerLeft');
      scene.check(left.length === 0, 'no WorkerLeft in the event stream', () => JSON.stringify(left));
      const view = await scene.view(c.url);
      scene.check(view.workers.filter((w) => w.up).length === CAST.length && view.master !== null, 'every worker up and a master in the API');
    }),
};
