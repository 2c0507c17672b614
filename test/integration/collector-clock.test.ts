/**
 * The running collector's clock is injected: its timers (here the 10 s gauge tick) run on the RxJS
 * scheduler it is given, so a test or a tool can drive them in virtual time.
 */
import test from 'ava';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { startTestCollector } from '../support/collector.ts';
import { queryInflux, rows } from '../../collector/influx/query.ts';
import { sharedInfluxDB, uniqueDatabase, uniqueRoot } from '../support/services.ts';
import { until } from '../support/poll.ts';

test('10 s of virtual time make one gauge tick, stamped with the virtual time', async (t) => {
  const influx = `${await sharedInfluxDB()}/${uniqueDatabase()}`;
  const scheduler = new VirtualTimeScheduler(VirtualAction, 10_000);
  const collector = await startTestCollector({ clusters: { app: uniqueRoot(t) }, influx, instance: 'virtual' }, { http: false, scheduler, now: Date.now });
  t.teardown(() => collector.stop());
  await collector.whenSynced();
  // every action due within the first 10 virtual seconds: the gauge tick at 10 s, the rule engine's ticks
  scheduler.flush();
  const points = await until(
    "the gauge tick's collector point",
    async () => rows(await queryInflux(influx, `SELECT "zk_connected" FROM "collector" WHERE "instance" = 'virtual'`)),
    (r) => r.length >= 1,
  );
  // a tick of the wall clock would carry today's time; the virtual one is at 10 s
  t.deepEqual(points, [{ time: 10_000, zk_connected: 1 }]);
});
