/** Rules a layout cannot feed are off for its clusters, visibly (docs/contract.md §8; alerts/rules/applicability.ts). */
import test from 'ava';
import { parseAlertsConfig, RULE_NAMES } from '../../alerts/config.ts';
import { ruleApplicability } from '../../alerts/rules/applicability.ts';
import type { LayoutCapabilities } from '../../contract/layout.ts';
import { brief, Harness, healthyCluster } from '../support/alerts-fixtures.ts';

const T0 = 1_000_000;
const ZKPULSE: LayoutCapabilities = { heartbeat: true, tasks: true, splitBrain: true, locks: true, config: true };
const NO_BEAT: LayoutCapabilities = { heartbeat: false, tasks: false, splitBrain: false };

/** Two workers that stop beating at T0; a task whose progress stops; evaluated for ten minutes. */
function staleRun(capabilities: LayoutCapabilities | undefined): string[] {
  const c = healthyCluster(T0, 2);
  c.task('t1', T0);
  c.assign('w1', 't1', T0);
  c.status('t1', 'w1', 10, T0);
  const h = new Harness([c]);
  if (capabilities) h.capabilities = new Map([['crawler', capabilities]]);
  for (let s = 1; s <= 600; s += 5) h.eval(T0 + s * 1000);
  c.crash('w2', T0 + 601_000);
  h.eval(T0 + 602_000);
  return [...new Set(h.transitions.filter((x) => x.to === 'firing').map((x) => `${x.labels.alertname}${x.labels.worker ? `/${x.labels.worker}` : ''}`))].sort();
}

test('HeartbeatStale never fires for a layout without heartbeat, however old the nodes; WorkerLost still does', (t) => {
  const fired = staleRun(NO_BEAT);
  t.false(fired.some((a) => a.startsWith('HeartbeatStale')), fired.join(', '));
  t.false(fired.some((a) => a.startsWith('ProgressStalled')), fired.join(', '));
  t.true(fired.includes('WorkerLost/w2'), fired.join(', '));
});

test('the same nodes under the zkpulse layout (no capabilities given, or all of them) do fire HeartbeatStale', (t) => {
  for (const caps of [undefined, ZKPULSE]) {
    const fired = staleRun(caps);
    t.true(fired.includes('HeartbeatStale/w1'), fired.join(', '));
    t.true(fired.includes('ProgressStalled/w1'), fired.join(', '));
  }
});

test('an instance of a rule the layout cannot feed (state from another config) resolves instead of firing on', (t) => {
  const c = healthyCluster(T0, 1);
  const h = new Harness([c]);
  for (let s = 1; s <= 300; s += 5) h.eval(T0 + s * 1000);
  t.true(brief(h.last?.alerts ?? []).includes('HeartbeatStale/firing/w1'));
  h.capabilities = new Map([['crawler', NO_BEAT]]);
  t.true(brief(h.eval(T0 + 301_000)).includes('HeartbeatStale/resolved/w1'));
});

test('ruleApplicability: every rule, with the reason a layout or the config turns it off', (t) => {
  const config = parseAlertsConfig({ defaults: { MasterFlapping: { enabled: false } } });
  const rules = ruleApplicability('crawler', { name: 'kazoo-party', capabilities: NO_BEAT }, config);
  t.deepEqual(rules.map((r) => r.name), RULE_NAMES.filter((n) => !n.startsWith('ZooKeeper')), 'every cluster rule; the ensemble rules are judged per ensemble');
  const byName = Object.fromEntries(rules.map((r) => [r.name, r]));
  t.deepEqual(byName.HeartbeatStale, { name: 'HeartbeatStale', applies: false, reason: 'the kazoo-party layout has no heartbeat (its members do not rewrite their nodes)' });
  t.deepEqual(byName.ProgressStalled, { name: 'ProgressStalled', applies: false, reason: 'the kazoo-party layout has no tasks' });
  t.deepEqual(byName.TaskOrphaned, { name: 'TaskOrphaned', applies: false, reason: 'the kazoo-party layout has no tasks' });
  t.deepEqual(byName.SplitBrain, { name: 'SplitBrain', applies: false, reason: 'the kazoo-party layout cannot show two leaders at once' });
  t.deepEqual(byName.MasterFlapping, { name: 'MasterFlapping', applies: false, reason: 'disabled in the alerts config' });
  t.deepEqual(byName.WorkerLost, { name: 'WorkerLost', applies: true });
  t.deepEqual(byName.KafkaOfflinePartitions, { name: 'KafkaOfflinePartitions', applies: false, reason: 'the kazoo-party layout has no topic partitions (Kafka only)' });
  const zkpulse = ruleApplicability('crawler', { name: 'zkpulse', capabilities: ZKPULSE }, parseAlertsConfig({}));
  t.deepEqual(
    zkpulse.filter((r) => !r.applies).map((r) => [r.name, r.reason]),
    [
      ['KafkaOfflinePartitions', 'the zkpulse layout has no topic partitions (Kafka only)'],
      ['ConfigChanged', 'disabled in the alerts config'],
    ],
    'every rule but the Kafka one feeds on the zkpulse layout; ConfigChanged is off by default',
  );
  const kafka = ruleApplicability('brokers', { name: 'kafka', capabilities: { ...NO_BEAT, partitions: true } }, parseAlertsConfig({}));
  t.true(kafka.find((r) => r.name === 'KafkaOfflinePartitions')?.applies);
});
