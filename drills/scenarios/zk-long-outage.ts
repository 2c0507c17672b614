/**
 * Drill 2: ZooKeeper (standalone) killed -9 and kept down LONGER than the session timeout (4 s), then
 * restarted. What is true here:
 *  - the collector is blind the whole time: rules that read ZooKeeper are frozen (no WorkerLost, no
 *    HeartbeatStale from a blind collector);
 *  - CollectorDisconnected (for 10 s) is a TRUE alert about the collector when the outage lasts longer
 *    than its `for` plus the probe's detection: then exactly one firing and one resolved notice, and it
 *    inhibits everything else of the cluster while it fires;
 *  - a standalone server does not count its own downtime against sessions: it restores them from its
 *    log with a fresh timeout, so clients that re-attach within the session timeout after the restart
 *    keep their sessions. Agents that do find their session expired re-register on a new one (the
 *    drill records which happened; both are correct) — either way no WorkerLost.
 * Short form: down 7 s (> session timeout, < 10 s) → no notification at all.
 * Full form: down 25 s → exactly `CollectorDisconnected firing`, `CollectorDisconnected resolved`.
 */
import { startZooKeeper } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, LOSS_EVENTS, startCast } from '../support/cast.ts';
import { ephemeralOwners } from '../support/owners.ts';
import { inScene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 4_000;
const HEARTBEAT_MS = 1_000;

export const zkLongOutage: Drill = {
  id: 'zk-long-outage',
  fault: 'ZooKeeper down longer than the session timeout (4 s): 25 s (short: 7 s)',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const downMs = short ? 7_000 : 25_000;
      const zk = await startZooKeeper({ minSessionTimeout: 1000 });
      scene.defer(() => zk.stop());
      const root = '/drill/zk-long-outage';
      await scene.startReceiver();
      startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({ zk: zk.connectString, root, sessionTimeout: SESSION_MS, webhook: scene.receiver.url });
      const c = await scene.startCollector('collector', config);
      await scene.untilUp(c.url, CAST, true);
      const paths = CAST.map((id) => `${root}/workers/${id}`);
      const ownersBefore = await ephemeralOwners(zk.connectString, paths);
      const stream = await scene.events(c.url);

      await zk.kill('SIGKILL');
      await delay(downMs);
      await zk.start();
      const restartedAt = Date.now();
      log(`ZooKeeper was down ${downMs} ms`);
      await scene.untilUp(c.url, CAST, true, 30_000);
      const expectDisconnected = downMs > 10_000 + 2_000;
      if (expectDisconnected) {
        await until('CollectorDisconnected resolved', async () => scene.notices(), (n) => n.includes('CollectorDisconnected resolved'), 20_000);
      }
      await delay(4 * HEARTBEAT_MS + 2_000); // quiet window: a stale beat or a late WorkerLost would show

      const ownersAfter = await ephemeralOwners(zk.connectString, paths);
      const kept = paths.filter((p) => ownersAfter.get(p) !== null && ownersAfter.get(p) === ownersBefore.get(p)).length;
      const renewed = paths.filter((p) => ownersAfter.get(p) !== null && ownersAfter.get(p) !== ownersBefore.get(p)).length;
      log(`agents: ${kept} kept their session, ${renewed} re-registered on a new session`);
      scene.check(kept + renewed === CAST.length, `every agent registered after the outage (${kept} same session, ${renewed} new session)`);
      scene.checkNotices(
        expectDisconnected ? ['CollectorDisconnected firing', 'CollectorDisconnected resolved'] : [],
        expectDisconnected ? 'the collector was really blind > 10 s; nothing else' : 'blind < 10 s: nothing to say',
      );
      const lost = stream.events.filter((e) => LOSS_EVENTS.has(e.type) && e.data.worker !== undefined && e.at > restartedAt);
      scene.check(lost.length === 0 || renewed > 0, 'no worker lost in the event stream unless an agent really re-registered', () => JSON.stringify(lost));
      const view = await scene.view(c.url);
      scene.check(view.workers.filter((w) => w.up).length === CAST.length && view.master !== null, 'every worker up and a master in the API');
    }),
};
