import test from 'ava';
import { ConfigError } from '../../collector/config/errors.ts';
import { DEFAULT_ALERTS_CONFIG, DEFAULT_RULES, parseAlertsConfig, parseDuration, ruleConfig } from '../../alerts/config.ts';

test('durations: ms numbers, unit text, sums; bad ones give the reason', (t) => {
  t.is(parseDuration(1500), 1500);
  t.is(parseDuration('1500'), 1500);
  t.is(parseDuration('500ms'), 500);
  t.is(parseDuration('10s'), 10_000);
  t.is(parseDuration('1.5s'), 1500);
  t.is(parseDuration('5m'), 300_000);
  t.is(parseDuration('1h'), 3_600_000);
  t.is(parseDuration('1m30s'), 90_000);
  t.is(parseDuration('0s'), 0);
  for (const bad of ['10 parsecs', 's', '', '-5s', -1, Number.NaN, true, null, '5 m']) t.is(typeof parseDuration(bad), 'string', String(bad));
});

test('no alerts section: the defaults of docs/contract.md §5', (t) => {
  t.is(parseAlertsConfig(undefined), DEFAULT_ALERTS_CONFIG);
  t.is(parseAlertsConfig(null), DEFAULT_ALERTS_CONFIG);
  const d = parseAlertsConfig({});
  t.is(d.evalInterval, 1000);
  t.is(d.resolvedRetention, 900_000);
  t.like(d.defaults.MasterMissing, { for: 10_000, severity: 'critical', enabled: true, keepFiringFor: 0 });
  t.like(d.defaults.MasterFlapping, { changes: 3, window: 300_000, severity: 'warning' });
  t.like(d.defaults.WorkerLost, { for: 0, severity: 'critical', resolveAfter: 300_000 });
  t.like(d.defaults.WorkersBelowMinimum, { min: 0, severity: 'warning' });
  t.like(d.defaults.HeartbeatStale, { factor: 3, mode: 'age', severity: 'warning' });
  t.like(d.defaults.ProgressStalled, { after: 300_000 });
  t.like(d.defaults.TaskOrphaned, { for: 60_000, severity: 'warning' });
  t.like(d.defaults.SplitBrain, { for: 15_000, severity: 'critical' });
  t.like(d.defaults.CollectorDisconnected, { for: 10_000, severity: 'critical' });
});

test('defaults then per-cluster overrides; other clusters keep the defaults', (t) => {
  const c = parseAlertsConfig(
    {
      evalInterval: '500ms',
      resolvedRetention: '30m',
      defaults: { HeartbeatStale: { factor: 4, mode: 'phi' } },
      clusters: { crawler: { HeartbeatStale: { for: '20s' }, WorkersBelowMinimum: { min: 6, severity: 'critical' } } },
    },
    ['crawler', 'indexer'],
  );
  t.is(c.evalInterval, 500);
  t.is(c.resolvedRetention, 1_800_000);
  t.like(ruleConfig(c, 'crawler', 'HeartbeatStale'), { factor: 4, mode: 'phi', for: 20_000 });
  t.like(ruleConfig(c, 'indexer', 'HeartbeatStale'), { factor: 4, mode: 'phi', for: 0 });
  t.like(ruleConfig(c, 'crawler', 'WorkersBelowMinimum'), { min: 6, severity: 'critical' });
  t.is(ruleConfig(c, 'indexer', 'WorkersBelowMinimum').min, 0);
  t.is(ruleConfig(c, 'unknown', 'MasterMissing'), DEFAULT_RULES.MasterMissing);
  t.is(ruleConfig(c, '__proto__', 'MasterMissing'), DEFAULT_RULES.MasterMissing);
});

const bad: Array<[unknown, string]> = [
  [{ clusters: { crawler: { HeartbeatStale: { factor: 1 } } } }, 'alerts.clusters.crawler.HeartbeatStale.factor: expected a number > 1'],
  [{ clusters: { crawler: { HeartbeatStale: { factor: 'three' } } } }, 'alerts.clusters.crawler.HeartbeatStale.factor: expected a number > 1'],
  [{ clusters: { crawler: { HeartbeatStale: { mode: 'psychic' } } } }, 'alerts.clusters.crawler.HeartbeatStale.mode: expected age or phi'],
  [{ clusters: { crawler: { MasterMissing: { for: '10 parsecs' } } } }, 'alerts.clusters.crawler.MasterMissing.for: expected a duration like "10s", "5m" or "1m30s", got "10 parsecs"'],
  [{ clusters: { crawler: { MasterMissing: { fo: '10s' } } } }, 'alerts.clusters.crawler.MasterMissing: unknown key "fo"'],
  [{ clusters: { crawler: { MasterMising: {} } } }, 'alerts.clusters.crawler: unknown rule "MasterMising"'],
  [{ clusters: { crawler: { MasterMissing: { severity: 'page' } } } }, 'alerts.clusters.crawler.MasterMissing.severity: expected critical, warning or info'],
  [{ clusters: { crawler: { MasterMissing: { requireSeen: 'yes' } } } }, 'alerts.clusters.crawler.MasterMissing.requireSeen: expected true or false'],
  [{ clusters: { crawler: { WorkersBelowMinimum: { min: 1.5 } } } }, 'alerts.clusters.crawler.WorkersBelowMinimum.min: expected a whole number >= 0'],
  [{ clusters: { crawler: { MasterFlapping: { changes: 1 } } } }, 'alerts.clusters.crawler.MasterFlapping.changes: expected a whole number >= 2'],
  [{ clusters: { crawler: { WorkerLost: { resolveAfter: 0 } } } }, 'alerts.clusters.crawler.WorkerLost.resolveAfter: expected a duration > 0'],
  [{ clusters: { crawler: { SplitBrain: true } } }, 'alerts.clusters.crawler.SplitBrain: expected a map'],
  [{ clusters: { nowhere: {} } }, 'alerts.clusters.nowhere: not a configured cluster (clusters: crawler)'],
  [{ defaults: { TaskOrphaned: { enabled: 'yes' } } }, 'alerts.defaults.TaskOrphaned.enabled: expected true or false'],
  [{ evalInterval: 0 }, 'alerts.evalInterval: expected a duration > 0'],
  [{ evalinterval: '1s' }, 'alerts: unknown key "evalinterval"'],
  ['loud', 'alerts: expected a map (evalInterval, resolvedRetention, route, retry, statePath, defaults, clusters, ensembles)'],
];

for (const [raw, message] of bad) {
  test(`bad value → one ConfigError line: ${JSON.stringify(raw)}`, (t) => {
    const err = t.throws(() => parseAlertsConfig(raw, ['crawler']), { instanceOf: ConfigError });
    t.true(err?.message.startsWith(message), err?.message);
    t.false(err?.message.includes('\n'));
  });
}

test('route and statePath: defaults, overrides, bad values named', (t) => {
  const defaults = parseAlertsConfig(undefined);
  t.deepEqual(defaults.route, { groupBy: ['alertname', 'cluster', 'ensemble'], groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
  t.is(defaults.statePath, '/zkpulse/state/default');
  const set = parseAlertsConfig({ route: { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' }, statePath: '/x/y' });
  t.deepEqual(set.route, { groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: 1000, repeatIntervalMs: 3_600_000 });
  t.is(set.statePath, '/x/y');
  t.throws(() => parseAlertsConfig({ statePath: 'relative' }), { message: /^alerts\.statePath: expected an absolute ZooKeeper path/ });
  t.throws(() => parseAlertsConfig({ route: { groupInterval: '0s' } }), { message: /^alerts\.route\.groupInterval: expected a duration > 0/ });
});
