/**
 * Drill 8: two `zkpulse collect --ha` with one config; the active one is killed (-9) in the middle of
 * an incident. A worker crash was notified once (not once per collector) and logged in ZooKeeper; the
 * standby becomes active once the dead one's session expires, loads the log and must neither repeat
 * the firing notice nor lose the resolve when the worker comes back. A takeover is not an incident:
 * no CollectorDisconnected, nothing else.
 */
import { startZooKeeper } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, startCast } from '../support/cast.ts';
import { untilLoggedFiring } from '../support/nflog.ts';
import { inScene, type RunningCollector } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 3_000;
const HEARTBEAT_MS = 2_000;

async function role(c: RunningCollector): Promise<string | undefined> {
  const res = await fetch(`${c.url}/healthz`);
  return ((await res.json()) as { role?: string }).role;
}

export const haTakeover: Drill = {
  id: 'ha-takeover',
  fault: 'active collector kill -9 with a standby running (--ha), mid-incident',
  run: ({ log }) =>
    inScene(log, async (scene) => {
      const zk = await startZooKeeper({ minSessionTimeout: 1000 });
      scene.defer(() => zk.stop());
      const root = '/drill/ha-takeover';
      await scene.startReceiver();
      const agents = startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({
        zk: zk.connectString,
        root,
        sessionTimeout: SESSION_MS,
        webhook: scene.receiver.url,
        extra: { haPath: `/zkpulse-drill-ha/${process.pid}-${Date.now().toString(36)}` },
      });
      const pair = [await scene.startCollector('collector-1', config, ['--ha']), await scene.startCollector('collector-2', config, ['--ha'])];
      for (const c of pair) await scene.untilUp(c.url, CAST, true);
      const roles = await until('one active, one standby', () => Promise.all(pair.map(role)), (r) => r.includes('active') && r.includes('standby'), 30_000);
      const active = pair[roles.indexOf('active')]!;
      const standby = pair[roles.indexOf('standby')]!;
      scene.check(true, `one active (${active.proc.name}), one standby`);

      await agents.get('a3')!.kill('SIGKILL');
      await until('WorkerLost[a3] firing delivered', async () => scene.notices(), (n) => n.includes('WorkerLost[a3] firing'), 20_000, 50);
      await untilLoggedFiring(zk.connectString, scene.statePath);
      const killedAt = Date.now();
      await active.proc.kill('SIGKILL');
      await until('the standby becomes active', () => role(standby), (r) => r === 'active', SESSION_MS + 15_000, 50);
      log(`standby active ${Date.now() - killedAt} ms after kill -9 of the active`);

      scene.startAgent({ zk: zk.connectString, root, id: 'a3', heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      await scene.untilUp(standby.url, CAST, true);
      await until('WorkerLost[a3] resolved delivered', async () => scene.notices(), (n) => n.includes('WorkerLost[a3] resolved'), 20_000, 50);
      await delay(4_000); // quiet window: a duplicate would show

      scene.checkNotices(['WorkerLost[a3] firing', 'WorkerLost[a3] resolved'], 'one crash, one return, across the takeover');
    }),
};
