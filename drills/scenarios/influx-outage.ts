/**
 * Drill 5: InfluxDB killed (-9) for 60 s (short: 8 s) while agents beat every 500 ms. The writer keeps
 * the points (bounded buffer of 100,000) and retries; when InfluxDB is back every point arrives with
 * the time of the event it describes. Nothing lost: for the window from the first event seen on
 * `/api/events` to a cut after the restart, the `event` points per kind in InfluxDB equal the domain
 * events of that kind on the stream (one point per event, docs/contract.md §4), and every HeartbeatSeen has
 * its `worker` point. No notification (nothing happened to the cluster).
 */
import { startInfluxDB, startZooKeeper } from '../../stack/index.ts';
import type { Drill } from '../types.ts';
import { CAST, startCast } from '../support/cast.ts';
import { countBy } from '../support/influx.ts';
import { inScene } from '../support/scene.ts';
import { delay, until } from '../support/until.ts';

const SESSION_MS = 10_000;
const HEARTBEAT_MS = 500;
const DB = 'drill';

export const influxOutage: Drill = {
  id: 'influx-outage',
  fault: 'InfluxDB kill -9, down 60 s (short: 8 s), agents beating every 500 ms',
  run: ({ short, log }) =>
    inScene(log, async (scene) => {
      const downMs = short ? 8_000 : 60_000;
      const [zk, influx] = await Promise.all([startZooKeeper(), startInfluxDB()]);
      scene.defer(() => zk.stop());
      scene.defer(() => influx.stop());
      const root = '/drill/influx-outage';
      await scene.startReceiver();
      startCast(scene, { zk: zk.connectString, root, heartbeatMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_MS });
      const config = scene.writeConfig({ zk: zk.connectString, root, sessionTimeout: SESSION_MS, webhook: scene.receiver.url, influx: `${influx.url}/${DB}` });
      const c = await scene.startCollector('collector', config);
      await scene.untilUp(c.url, CAST, true);
      const stream = await scene.events(c.url);
      await until('events on the stream', async () => stream.events.length, (n) => n >= 3, 10_000);
      const from = Number(stream.events[0]!.data.time); // points at exactly this ms may predate the stream: excluded

      await influx.kill('SIGKILL');
      const killedAt = Date.now();
      await delay(downMs);
      await influx.start();
      log(`InfluxDB down ${Date.now() - killedAt} ms`);
      await delay(3_000);
      const to = Date.now() - 1_000;

      const expected = new Map<string, number>();
      for (const e of stream.events) {
        const t = Number(e.data.time);
        if (t > from && t <= to) expected.set(e.type, (expected.get(e.type) ?? 0) + 1);
      }
      const beatsDuringOutage = stream.events.filter((e) => e.type === 'HeartbeatSeen' && Number(e.data.time) > killedAt && Number(e.data.time) < killedAt + downMs).length;
      const total = [...expected.values()].reduce((a, b) => a + b, 0);
      const got = await until(
        `${total} event points in InfluxDB`,
        () => countBy(influx.url, DB, 'event', 'subject', 'kind', from, to),
        (m) => [...m.values()].reduce((a, b) => a + b, 0) >= total,
        30_000,
        500,
      );
      log(`events in the window: ${JSON.stringify(Object.fromEntries(expected))}; ${beatsDuringOutage} beats happened while InfluxDB was down`);
      scene.check(beatsDuringOutage > 0, `heartbeats happened during the outage (${beatsDuringOutage})`);
      scene.check(
        [...expected].every(([kind, n]) => got.get(kind) === n) && [...got.keys()].every((k) => expected.has(k)),
        `every domain event of the window has its \`event\` point, per kind (${total} points, none lost, none doubled)`,
        () => `expected ${JSON.stringify(Object.fromEntries(expected))}, InfluxDB has ${JSON.stringify(Object.fromEntries(got))}`,
      );
      const workerPoints = await countBy(influx.url, DB, 'worker', 'up', 'worker', from, to);
      const beats = new Map<string, number>();
      for (const e of stream.events) if (e.type === 'HeartbeatSeen' && Number(e.data.time) > from && Number(e.data.time) <= to) beats.set(String(e.data.worker), (beats.get(String(e.data.worker)) ?? 0) + 1);
      scene.check(
        [...beats].every(([w, n]) => (workerPoints.get(w) ?? 0) >= n),
        'every HeartbeatSeen has its `worker` point (plus the 10 s gauges)',
        () => `beats ${JSON.stringify(Object.fromEntries(beats))}, worker points ${JSON.stringify(Object.fromEntries(workerPoints))}`,
      );
      scene.checkNotices([], 'the cluster was fine; InfluxDB is not alerted on');
    }),
};
