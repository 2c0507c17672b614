/**
 * The short form of the fault drills (drills/, `npm run drills -- --short`), one ava test each, on real
 * processes and private ZooKeeper / InfluxDB instances. Each asserts nothing lost and no false alert;
 * none asserts a timing.
 */
import test from 'ava';
import { DRILLS } from '../../drills/registry.ts';
import { runDrill } from '../../drills/run.ts';

const CI_SELECTION = ['zk-restart', 'zk-long-outage', 'ensemble-leader', 'collector-partition', 'influx-outage', 'receiver-outage', 'collector-kill', 'ha-takeover'];

for (const id of CI_SELECTION) {
  const drill = DRILLS.find((d) => d.id === id);
  test.serial(`drill ${id}: ${drill?.fault ?? 'missing'}`, async (t) => {
    t.truthy(drill, `drill ${id} is registered`);
    if (!drill) return;
    const result = await runDrill(drill, true, (line) => t.log(line));
    for (const c of result.checks) t.log(`✓ ${c}`);
    t.true(result.ok, result.error);
    t.true(result.checks.length > 0, 'the drill checked something');
  });
}
