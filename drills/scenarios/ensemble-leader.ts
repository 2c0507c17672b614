/**
 * Drill 3: a 3-node ensemble loses its leader (kill -9). Clients connected to it fail over to another
 * member within the session timeout, the two survivors elect a new leader, sessions survive: nothing
 * lost in the event stream, the same master epoch, and no cluster notification at all. The ensemble
 * itself is watched (docs/contract.md §10; poll every second, short `for`): exactly the true ensemble
 * notices, ZooKeeperServerDown for the killed leader and ZooKeeperQuorumAtRisk (2 of 3 serving), never
 * ZooKeeperNoLeader (an election is not an outage: its default `for` rides it out) nor
 * ZooKeeperMultipleLeaders. The full form then restarts the old leader (both resolve) and kills the new one.
 */
import { startEnsemble } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, LOSS_EVENTS, startCast } from '../support/cast.ts';
import { inScene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 10_000;
const HEARTBEAT_MS = 2_000;
const POLL_MS = 1000;
const FOR_MS = 2000;
/** an ensemble notice arrives within: the poll (judged up to 3 periods old), the `for`, a group interval, and a busy machine's slack */
const NOTICE_MS = 3 * POLL_MS + FOR_MS + 1000 + 20_000;

export const ensembleLeader: Drill = {
  id: 'ensemble-leader',
  fault: '3-node ensemble, leader kill -9 (full: twice, the first one restarted in between)',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const ensemble = await startEnsemble(3);
      scene.defer(() => ensemble.stop());
      const root = '/drill/ensemble-leader';
      await scene.startReceiver();
      startCast(scene, { zk: ensemble.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({
        zk: ensemble.connectString,
        root,
        sessionTimeout: SESSION_MS,
        webhook: scene.receiver.url,
        extra: { ensemblePollMs: POLL_MS, adminPort: false },
        alerts: { defaults: { ZooKeeperServerDown: { for: `${FOR_MS}ms` }, ZooKeeperQuorumAtRisk: { for: `${FOR_MS}ms` } } },
      });
      const c = await scene.startCollector('collector', config);
      const before = await scene.untilUp(c.url, CAST, true);
      const stream = await scene.events(c.url);

      const rounds = short ? 1 : 2;
      const expected: string[] = [];
      const received = (lines: readonly string[]) =>
        until(`notices ${lines.join(', ')}`, async () => scene.notices(), (n) => lines.every((l) => n.filter((x) => x === l).length >= expected.filter((x) => x === l).length), NOTICE_MS);
      for (let i = 1; i <= rounds; i++) {
        const leader = await ensemble.leader();
        const t0 = Date.now();
        await leader.kill('SIGKILL');
        const next = await ensemble.leader();
        log(`leader ${leader.port} killed; new leader ${next.port} after ${Date.now() - t0} ms`);
        await scene.untilUp(c.url, CAST, true);
        const failedOverAt = Date.now();
        const down = [`ZooKeeperServerDown[${leader.connectString}] firing`, 'ZooKeeperQuorumAtRisk firing'];
        expected.push(...down);
        await received(down);
        await delay(3 * HEARTBEAT_MS + 2_000); // quiet window past HeartbeatStale's threshold
        scene.check(
          stream.events.some((e) => e.type === 'HeartbeatSeen' && e.at > failedOverAt),
          `heartbeats flow after the failover (round ${i})`,
        );
        if (i < rounds) {
          await leader.start();
          const back = [`ZooKeeperServerDown[${leader.connectString}] resolved`, 'ZooKeeperQuorumAtRisk resolved'];
          expected.push(...back);
          await received(back);
        }
      }

      const after = await scene.view(c.url);
      scene.checkNotices(expected, 'a quorum was there all along: only the killed leader and the quorum at risk');
      const lost = stream.events.filter((e) => LOSS_EVENTS.has(e.type));
      scene.check(lost.length === 0, 'no WorkerLeft / MasterLost / CandidateLeft in the event stream', () => JSON.stringify(lost));
      scene.check(after.master?.epoch === before.master?.epoch, 'the same master (epoch unchanged)');
      scene.check(after.workers.filter((w) => w.up).length === CAST.length, 'every worker up in the API');
    }),
};
