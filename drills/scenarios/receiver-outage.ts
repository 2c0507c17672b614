/**
 * Drill 6: the webhook receiver is down (its port closed: connections refused) for 5 min (short: 10 s),
 * and a worker crashes (kill -9 of its agent) at the start of the outage. The notifier retries with
 * backoff (capped at 30 s) under one delivery id; `alerts.retry.maxAge: 10m` keeps it retrying longer
 * than the outage (the default gives up after 2 min). When the receiver is back: exactly one
 * `WorkerLost[a3] firing`, received once, after the restart; the worker comes back: exactly one resolve.
 */
import { startZooKeeper } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, startCast } from '../support/cast.ts';
import { inScene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 3_000;
const HEARTBEAT_MS = 2_000; // HeartbeatStale (3 × 2 s) comes after the session timeout: the crash is a WorkerLost only

export const receiverOutage: Drill = {
  id: 'receiver-outage',
  fault: 'webhook receiver down 5 min (short: 10 s) while a worker crashes',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const downMs = short ? 10_000 : 5 * 60_000;
      const zk = await startZooKeeper({ minSessionTimeout: 1000 });
      scene.defer(() => zk.stop());
      const root = '/drill/receiver-outage';
      await scene.startReceiver();
      const agents = startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({
        zk: zk.connectString,
        root,
        sessionTimeout: 10_000,
        webhook: scene.receiver.url,
        alerts: { retry: { maxAge: '10m' } },
      });
      const c = await scene.startCollector('collector', config);
      await scene.untilUp(c.url, CAST, true);

      await scene.receiver.stop();
      const downAt = Date.now();
      await agents.get('a3')!.kill('SIGKILL');
      await scene.untilUp(c.url, ['a1', 'a2'], true);
      const alerts = await until(
        'WorkerLost[a3] firing in /api/alerts',
        async () => (await (await fetch(`${c.url}/api/alerts`)).json()) as { labels: Record<string, string>; state: string }[],
        (as) => as.some((a) => a.labels.alertname === 'WorkerLost' && a.labels.worker === 'a3' && a.state === 'firing'),
      );
      scene.check(alerts.length > 0, 'WorkerLost[a3] firing in the API while the receiver is down');
      await delay(Math.max(0, downMs - (Date.now() - downAt)));
      scene.check(scene.receiver.requests.length === 0, 'nothing received while the receiver was down');
      await scene.receiver.start();
      const upAt = Date.now();
      log(`receiver down ${upAt - downAt} ms`);
      await until('WorkerLost[a3] firing delivered', async () => scene.notices(), (n) => n.includes('WorkerLost[a3] firing'), 60_000, 100);
      log(`delivered ${Date.now() - upAt} ms after the receiver came back`);

      scene.startAgent({ zk: zk.connectString, root, id: 'a3', heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      await scene.untilUp(c.url, CAST, true);
      await until('WorkerLost[a3] resolved delivered', async () => scene.notices(), (n) => n.includes('WorkerLost[a3] resolved'), 20_000, 100);
      await delay(3_000); // quiet window: a duplicate would show

      scene.checkNotices(['WorkerLost[a3] firing', 'WorkerLost[a3] resolved'], 'one crash, one return');
      scene.check(scene.receiver.requests.every((r) => r.at >= upAt), 'everything arrived after the receiver came back');
    }),
};
