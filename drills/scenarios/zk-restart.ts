/**
 * Drill 1: ZooKeeper killed (-9) and restarted, down for less than the session timeout. The sessions
 * survive (the server restores them from its log and every client re-attaches in time), so nothing
 * happened to the cluster: no notification at all, no worker/master/candidate lost in the event
 * stream, the same master epoch, every worker up.
 */
import { startZooKeeper } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, LOSS_EVENTS, startCast } from '../support/cast.ts';
import { inScene } from '../support/scene.ts';
import { delay } from '../support/until.ts';

const SESSION_MS = 10_000;
const HEARTBEAT_MS = 3_000;

export const zkRestart: Drill = {
  id: 'zk-restart',
  fault: 'ZooKeeper kill -9 + restart, shorter than the session timeout (10 s)',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const zk = await startZooKeeper();
      scene.defer(() => zk.stop());
      const root = '/drill/zk-restart';
      await scene.startReceiver();
      startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({ zk: zk.connectString, root, sessionTimeout: SESSION_MS, webhook: scene.receiver.url });
      const c = await scene.startCollector('collector', config);
      const before = await scene.untilUp(c.url, CAST, true);
      const stream = await scene.events(c.url);

      const rounds = short ? 1 : 3;
      let restartedAt = 0;
      for (let i = 1; i <= rounds; i++) {
        const t0 = Date.now();
        await zk.kill('SIGKILL');
        await zk.start();
        restartedAt = Date.now();
        log(`ZooKeeper restart ${i}/${rounds}: down ${Date.now() - t0} ms`);
        scene.check(Date.now() - t0 < SESSION_MS, `ZooKeeper was down less than the session timeout (restart ${i})`);
        await scene.untilUp(c.url, CAST, true);
      }
      // quiet window: longer than HeartbeatStale's threshold (3 × heartbeat), so a stale beat would show
      await delay(short ? 4 * HEARTBEAT_MS : 6 * HEARTBEAT_MS);

      const after = await scene.view(c.url);
      scene.checkNotices([], 'nothing happened to the cluster');
      const lost = stream.events.filter((e) => LOSS_EVENTS.has(e.type));
      scene.check(lost.length === 0, 'no WorkerLeft / MasterLost / CandidateLeft in the event stream', () => JSON.stringify(lost));
      scene.check(stream.events.some((e) => e.type === 'HeartbeatSeen' && e.at > restartedAt), 'heartbeats seen after the (last) restart');
      scene.check(after.master?.epoch === before.master?.epoch, 'the same master (epoch unchanged)', () => JSON.stringify({ before: before.master, after: after.master }));
      scene.check(after.workers.filter((w) => w.up).length === CAST.length, 'every worker up in the API');
    }),
};
