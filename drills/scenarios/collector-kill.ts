/**
 * Drill 7: the collector is killed (-9) in the middle of an incident and restarted. A worker crashed
 * (WorkerLost notified, and logged in ZooKeeper); the collector dies; while no collector runs the
 * worker comes back; the new collector process loads the alert state from ZooKeeper and must send the
 * resolve (no lost resolve) and never the firing notice again (no duplicate). The full form then kills
 * and restarts the collector once more with nothing going on: nothing must be sent.
 */
import { startZooKeeper } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, startCast } from '../support/cast.ts';
import { untilLoggedFiring } from '../support/nflog.ts';
import { inScene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 3_000;
const HEARTBEAT_MS = 2_000;

export const collectorKill: Drill = {
  id: 'collector-kill',
  fault: 'collector kill -9 mid-incident, the worker returns while it is down, collector restarted',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const zk = await startZooKeeper({ minSessionTimeout: 1000 });
      scene.defer(() => zk.stop());
      const root = '/drill/collector-kill';
      await scene.startReceiver();
      const agents = startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({ zk: zk.connectString, root, sessionTimeout: 10_000, webhook: scene.receiver.url });
      let c = await scene.startCollector('collector', config);
      await scene.untilUp(c.url, CAST, true);

      await agents.get('a3')!.kill('SIGKILL');
      await until('WorkerLost[a3] firing delivered', async () => scene.notices(), (n) => n.includes('WorkerLost[a3] firing'), 20_000, 50);
      await untilLoggedFiring(zk.connectString, scene.statePath);
      await c.proc.kill('SIGKILL');
      log('collector killed -9 with WorkerLost[a3] firing');
      scene.startAgent({ zk: zk.connectString, root, id: 'a3', heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      c = await scene.startCollector('collector (restarted)', config, [], c.port);
      await scene.untilUp(c.url, CAST, true);
      await until('WorkerLost[a3] resolved delivered', async () => scene.notices(), (n) => n.includes('WorkerLost[a3] resolved'), 20_000, 50);
      scene.check(true, 'the restarted collector sent the resolve of an incident it learned from ZooKeeper');

      if (!short) {
        await delay(3_000);
        await c.proc.kill('SIGKILL');
        c = await scene.startCollector('collector (restarted twice)', config, [], c.port);
        await scene.untilUp(c.url, CAST, true);
      }
      await delay(4_000); // quiet window: a duplicate firing or resolve would show

      scene.checkNotices(['WorkerLost[a3] firing', 'WorkerLost[a3] resolved'], 'one crash, one return, across collector restarts');
    }),
};
