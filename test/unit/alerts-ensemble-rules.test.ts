import test from 'ava';
import { DEFAULT_RULES, parseAlertsConfig, type AlertsConfig, type RuleConfigs } from '../../alerts/config.ts';
import { evaluate, type EvaluationInput } from '../../alerts/engine/state-machine.ts';
import { emptyEngineState, restoreEngineState, serializeEngineState, type EngineState } from '../../alerts/engine/state.ts';
import { collectorDisconnected, ENSEMBLE_RULES } from '../../alerts/rules/index.ts';
import { DEFAULT_INHIBIT_RULES } from '../../alerts/notify/config.ts';
import { inhibitedBy } from '../../alerts/notify/inhibit.ts';
import { alertPoints } from '../../alerts/notify/points.ts';
import { groupAlerts } from '../../alerts/notify/groups.ts';
import { quorumOf } from '../../collector/ensemble/quorum.ts';
import type { EnsembleSnapshot } from '../../collector/ensemble/types.ts';
import type { AlertInstance, EnsembleAlertName } from '../../alerts/types.ts';
import { ConfigError } from '../../collector/config/errors.ts';
import { healthyCluster } from '../support/alerts-fixtures.ts';
import { down, healthy3, notServing, poll, serving } from '../support/ensemble-fixtures.ts';

const T0 = 1_000_000;

function run<N extends EnsembleAlertName>(name: N, snapshot: EnsembleSnapshot, overrides: Partial<RuleConfigs[N]> = {}) {
  const rule = ENSEMBLE_RULES[name] as unknown as (i: { snapshot: EnsembleSnapshot; quorum: ReturnType<typeof quorumOf>; config: RuleConfigs[N]; now: number }) => ReturnType<(typeof ENSEMBLE_RULES)[N]>;
  return rule({ snapshot, quorum: quorumOf(snapshot.servers), config: { ...DEFAULT_RULES[name], ...overrides }, now: snapshot.time });
}

const names = (alerts: readonly AlertInstance[], state?: AlertInstance['state']) =>
  alerts
    .filter((a) => state === undefined || a.state === state)
    .map((a) => `${a.labels.alertname}${a.labels.server ? `/${a.labels.server}` : ''}:${a.state}`)
    .sort();

/** Feed the state machine a poll at each time, as the engine would at each evaluation. */
function feed(config: AlertsConfig, steps: Array<{ at: number; snapshot: EnsembleSnapshot | null; connected?: boolean }>, state: EngineState = emptyEngineState()) {
  let s = state;
  const out: AlertInstance[][] = [];
  const transitions: string[] = [];
  let latest: EnsembleSnapshot | null = null;
  for (const step of steps) {
    if (step.snapshot !== null) latest = step.snapshot;
    const input: EvaluationInput = {
      models: [],
      connected: step.connected ?? true,
      disconnectedSince: null,
      now: step.at,
      ensembles: latest === null ? [] : [latest],
    };
    const e = evaluate(s, input, config);
    s = e.state;
    out.push(e.alerts);
    for (const tr of e.transitions) transitions.push(`${tr.labels.alertname}${tr.labels.server ? `/${tr.labels.server}` : ''}:${tr.from}->${tr.to}@${tr.at - T0}`);
  }
  return { state: s, alerts: out, transitions };
}

test('ZooKeeperServerDown: one per server down or not serving, labels alertname/ensemble/server/severity and no cluster', (t) => {
  const s = poll(T0, [serving('zk1:2181', 'leader'), down('zk2:2181'), notServing('zk3:2181')], 'main');
  const conds = run('ZooKeeperServerDown', s);
  t.deepEqual(conds.map((c) => c.labels), [
    { alertname: 'ZooKeeperServerDown', ensemble: 'main', severity: 'critical', server: 'zk2:2181' },
    { alertname: 'ZooKeeperServerDown', ensemble: 'main', severity: 'critical', server: 'zk3:2181' },
  ]);
  t.is(conds[0]?.annotations.server_state, 'down');
  t.is(conds[0]?.annotations.problem, 'connect ECONNREFUSED zk2:2181');
  t.is(conds[1]?.annotations.server_state, 'not serving');
  t.deepEqual(run('ZooKeeperServerDown', poll(T0, healthy3())), []);
});

test('ZooKeeperNoLeader: fires with nobody serving; not with a follower serving (its leader is out of sight); never standalone', (t) => {
  const lost = poll(T0, [notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')]);
  const [c, ...rest] = run('ZooKeeperNoLeader', lost);
  t.is(rest.length, 0);
  t.deepEqual(c?.labels, { alertname: 'ZooKeeperNoLeader', ensemble: 'default', severity: 'critical' });
  t.is(c?.annotations.quorum, 'quorum lost (0 of 3 voting servers serving, 2 needed)');
  t.is(c?.annotations.servers_down, 'zk1:2181, zk2:2181, zk3:2181');
  // the connect string lists two followers only: they serve, so a leader exists
  t.deepEqual(run('ZooKeeperNoLeader', poll(T0, [serving('zk2:2181', 'follower', {}, { quorum_size: 3 }), serving('zk3:2181', 'follower', {}, { quorum_size: 3 })])), []);
  t.deepEqual(run('ZooKeeperNoLeader', poll(T0, [down('solo:2181')])), [], 'standalone: no leader to miss');
  t.deepEqual(run('ZooKeeperNoLeader', poll(T0, healthy3())), []);
});

test('ZooKeeperMultipleLeaders: two servers leading in one poll; one leader is fine', (t) => {
  const two = poll(T0, [serving('zk1:2181', 'leader'), serving('zk2:2181', 'leader'), serving('zk3:2181', 'follower')]);
  const [c] = run('ZooKeeperMultipleLeaders', two);
  t.is(c?.annotations.leaders, 'zk1:2181, zk2:2181');
  t.is(c?.labels.server, undefined);
  t.deepEqual(run('ZooKeeperMultipleLeaders', poll(T0, healthy3())), []);
});

test('ZooKeeperQuorumAtRisk: at-risk and lost, never ok, never standalone; observers do not count', (t) => {
  const [a, b] = healthy3();
  const leader = { ...a!, metrics: { ...a!.metrics, synced_followers: 1 } };
  const [c] = run('ZooKeeperQuorumAtRisk', poll(T0, [leader, b!, down('zk3:2181')]));
  t.like(c?.annotations, { quorum_state: 'at-risk', voters: '3', voters_up: '2', needed: '2' });
  t.regex(c?.annotations.description ?? '', /voting servers not serving: zk3:2181/);
  t.is(c?.labels.severity, 'warning');
  t.like(run('ZooKeeperQuorumAtRisk', poll(T0, [notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')]))[0]?.annotations, { quorum_state: 'lost' });
  t.deepEqual(run('ZooKeeperQuorumAtRisk', poll(T0, healthy3())), []);
  t.deepEqual(run('ZooKeeperQuorumAtRisk', poll(T0, [serving('solo:2181', 'standalone')])), []);
  t.deepEqual(run('ZooKeeperQuorumAtRisk', poll(T0, [down('solo:2181', false)])), []);
  // two observers down: no risk at all
  const withObservers = [...healthy3(), { ...down('ob1:2181'), voting: false }, { ...down('ob2:2181'), voting: false }];
  t.deepEqual(run('ZooKeeperQuorumAtRisk', poll(T0, withObservers)), []);
});

test('ZooKeeperLatencyHigh / OutstandingRequests / FileDescriptors: strictly above the threshold, per server, configurable', (t) => {
  const at = (metrics: Parameters<typeof serving>[3]) => poll(T0, [serving('zk1:2181', 'leader', {}, metrics)]);
  t.deepEqual(run('ZooKeeperLatencyHigh', at({ avg_latency: 100 })), [], '100 ms is not above 100');
  const [lat] = run('ZooKeeperLatencyHigh', at({ avg_latency: 100.5 }));
  t.deepEqual(lat?.labels, { alertname: 'ZooKeeperLatencyHigh', ensemble: 'default', severity: 'warning', server: 'zk1:2181' });
  t.deepEqual(run('ZooKeeperLatencyHigh', at({ avg_latency: 150 }), { threshold: 200 }), []);
  t.deepEqual(run('ZooKeeperLatencyHigh', poll(T0, [{ ...serving('zk1:2181', 'leader', {}, { avg_latency: 500 }), serving: false }])), [], 'a server that does not serve has no latency to judge');

  t.deepEqual(run('ZooKeeperOutstandingRequests', at({ outstanding_requests: 10 })), []);
  t.is(run('ZooKeeperOutstandingRequests', at({ outstanding_requests: 11 })).length, 1);
  t.deepEqual(run('ZooKeeperOutstandingRequests', at({ outstanding_requests: null })), []);

  t.deepEqual(run('ZooKeeperFileDescriptors', at({ open_file_descriptor_count: 800, max_file_descriptor_count: 1000 })), [], '80 % is not above 80 %');
  const [fd] = run('ZooKeeperFileDescriptors', at({ open_file_descriptor_count: 801, max_file_descriptor_count: 1000 }));
  t.is(fd?.annotations.max_file_descriptors, '1000');
  t.deepEqual(run('ZooKeeperFileDescriptors', at({ open_file_descriptor_count: 801, max_file_descriptor_count: 1000 }), { ratio: 0.9 }), []);
  t.deepEqual(run('ZooKeeperFileDescriptors', at({ open_file_descriptor_count: 801, max_file_descriptor_count: null })), [], 'no limit reported (not Unix): not judged');
});

test('engine: ZooKeeperServerDown is pending for its `for` (1 m), then fires; recovery resolves it', (t) => {
  const config = parseAlertsConfig({});
  const [a, b] = healthy3();
  const leader = { ...a!, metrics: { ...a!.metrics, synced_followers: 1 } };
  const lost = poll(T0, [leader, b!, down('zk3:2181')]);
  const r = feed(config, [
    { at: T0, snapshot: lost },
    { at: T0 + 59_999, snapshot: { ...lost, time: T0 + 59_990 } },
    { at: T0 + 60_000, snapshot: { ...lost, time: T0 + 59_990 } },
    { at: T0 + 70_000, snapshot: poll(T0 + 70_000, healthy3()) },
  ]);
  t.deepEqual(names(r.alerts[1]!), ['ZooKeeperQuorumAtRisk:pending', 'ZooKeeperServerDown/zk3:2181:pending']);
  t.deepEqual(names(r.alerts[2]!), ['ZooKeeperQuorumAtRisk:firing', 'ZooKeeperServerDown/zk3:2181:firing']);
  t.deepEqual(names(r.alerts[3]!), ['ZooKeeperQuorumAtRisk:resolved', 'ZooKeeperServerDown/zk3:2181:resolved']);
  t.is(r.alerts[2]!.find((x) => x.labels.alertname === 'ZooKeeperServerDown')?.labels.cluster, undefined);
});

test('engine: kill the leader — old leader down, election gap, new leader: no MultipleLeaders, NoLeader never fires', (t) => {
  const config = parseAlertsConfig({});
  const steps = [
    { at: T0, snapshot: poll(T0, healthy3()) },
    // the leader is killed: the followers stop serving while they elect
    { at: T0 + 10_000, snapshot: poll(T0 + 10_000, [down('zk1:2181'), notServing('zk2:2181'), notServing('zk3:2181')]) },
    // a stale reading within one poll: zk1's answer from just before it died, zk3 already leading
    { at: T0 + 20_000, snapshot: poll(T0 + 20_000, [serving('zk1:2181', 'leader'), serving('zk2:2181', 'follower'), serving('zk3:2181', 'leader', {}, { synced_followers: 1 })]) },
    { at: T0 + 30_000, snapshot: poll(T0 + 30_000, [down('zk1:2181'), serving('zk2:2181', 'follower'), serving('zk3:2181', 'leader', {}, { synced_followers: 1 })]) },
    { at: T0 + 40_000, snapshot: poll(T0 + 40_000, [down('zk1:2181'), serving('zk2:2181', 'follower'), serving('zk3:2181', 'leader', {}, { synced_followers: 1 })]) },
  ];
  const r = feed(config, steps);
  t.false(r.transitions.some((x) => x.startsWith('ZooKeeperMultipleLeaders') && x.includes('->firing')), r.transitions.join('\n'));
  t.false(r.transitions.some((x) => x.startsWith('ZooKeeperNoLeader') && x.includes('->firing')));
  t.true(r.transitions.includes('ZooKeeperMultipleLeaders:pending->inactive@30000'), 'the stale reading was pending, then dropped without a notice');
  t.deepEqual(names(r.alerts[4]!), ['ZooKeeperQuorumAtRisk:pending', 'ZooKeeperServerDown/zk1:2181:pending']);
});

test('engine: MultipleLeaders that persists over polls past its `for` fires', (t) => {
  const split = (at: number) => poll(at, [serving('zk1:2181', 'leader'), serving('zk2:2181', 'leader'), serving('zk3:2181', 'follower')]);
  const r = feed(parseAlertsConfig({}), [0, 10_000, 20_000, 30_000].map((d) => ({ at: T0 + d, snapshot: split(T0 + d) })));
  t.deepEqual(names(r.alerts[2]!), ['ZooKeeperMultipleLeaders:pending']);
  t.deepEqual(names(r.alerts[3]!), ['ZooKeeperMultipleLeaders:firing']);
});

test('engine: a standalone server gets ServerDown when it stops, and no quorum alert', (t) => {
  const r = feed(parseAlertsConfig({ defaults: { ZooKeeperServerDown: { for: 0 }, ZooKeeperQuorumAtRisk: { for: 0 }, ZooKeeperNoLeader: { for: 0 } } }), [
    { at: T0, snapshot: poll(T0, [serving('solo:2181', 'standalone')]) },
    { at: T0 + 10_000, snapshot: poll(T0 + 10_000, [down('solo:2181')]) },
  ]);
  t.deepEqual(names(r.alerts[0]!), []);
  t.deepEqual(names(r.alerts[1]!), ['ZooKeeperServerDown/solo:2181:firing']);
});

test('engine: a poll older than the stale limit is not judged — its alerts freeze (no fire, no resolve); a fresh one judges again', (t) => {
  const config = parseAlertsConfig({ defaults: { ZooKeeperServerDown: { for: '20s' } } });
  const bad = poll(T0, [serving('zk1:2181', 'leader', {}, { synced_followers: 2 }), serving('zk2:2181', 'follower'), serving('zk3:2181', 'follower'), down('zk4:2181')]);
  const r = feed(config, [
    { at: T0, snapshot: bad },
    // the poller stalls: the same poll, 40 s later (past the 30 s default)
    { at: T0 + 40_000, snapshot: null },
    { at: T0 + 41_000, snapshot: poll(T0 + 41_000, bad.servers) },
  ]);
  // 4 voters, 3 serving: at risk too (3 needed)
  t.deepEqual(names(r.alerts[1]!), ['ZooKeeperQuorumAtRisk:pending', 'ZooKeeperServerDown/zk4:2181:pending'], 'frozen pending: a stale poll does not fire it');
  t.deepEqual(names(r.alerts[2]!), ['ZooKeeperQuorumAtRisk:pending', 'ZooKeeperServerDown/zk4:2181:firing']);
  // and frozen firing is not resolved by a missing poll either
  const r2 = feed(config, [{ at: T0 + 100_000, snapshot: null }], r.state);
  t.deepEqual(names(r2.alerts[0]!), ['ZooKeeperQuorumAtRisk:pending', 'ZooKeeperServerDown/zk4:2181:firing']);
  // no ensembles input at all (replay): frozen as well
  const e = evaluate(r.state, { models: [], connected: true, disconnectedSince: null, now: T0 + 200_000 }, config);
  t.deepEqual(names(e.alerts), ['ZooKeeperQuorumAtRisk:pending', 'ZooKeeperServerDown/zk4:2181:firing']);
});

test('engine: per-ensemble settings (alerts.ensembles.<name>) and disabling a rule', (t) => {
  const config = parseAlertsConfig({ ensembles: { main: { ZooKeeperServerDown: { for: 0, severity: 'warning' } }, other: { ZooKeeperServerDown: { enabled: false } } } });
  const r = feed(config, [{ at: T0, snapshot: poll(T0, [serving('a:2181', 'standalone'), down('b:2181')], 'main') }]);
  const downs = r.alerts[0]!.filter((a) => a.labels.alertname === 'ZooKeeperServerDown');
  t.deepEqual(names(downs), ['ZooKeeperServerDown/b:2181:firing'], 'for: 0 of ensemble main');
  t.is(downs[0]?.labels.severity, 'warning');
  const off = feed(config, [{ at: T0, snapshot: poll(T0, [serving('a:2181', 'standalone'), down('b:2181')], 'other') }]);
  t.deepEqual(names(off.alerts[0]!).filter((n) => n.startsWith('ZooKeeperServerDown')), []);
});

test('engine: ensemble alerts survive serialize/restore and keep their timers', (t) => {
  const config = parseAlertsConfig({});
  const snap = poll(T0, [serving('solo:2181', 'standalone', {}, { avg_latency: 500 })]);
  const r = feed(config, [{ at: T0, snapshot: snap }]);
  const restored = restoreEngineState(serializeEngineState(r.state));
  const again = feed(config, [{ at: T0 + 60_000, snapshot: { ...snap, time: T0 + 60_000 } }], restored);
  t.deepEqual(names(again.alerts[0]!), ['ZooKeeperLatencyHigh/solo:2181:firing']);
});

test('config: ensemble rules under clusters (and cluster rules under ensembles) are one-line errors naming the key', (t) => {
  t.throws(() => parseAlertsConfig({ clusters: { crawler: { ZooKeeperLatencyHigh: { threshold: 5 } } } }), {
    instanceOf: ConfigError,
    message: /^alerts\.clusters\.crawler\.ZooKeeperLatencyHigh: an ensemble rule/,
  });
  t.throws(() => parseAlertsConfig({ ensembles: { main: { WorkerLost: {} } } }), { instanceOf: ConfigError, message: /^alerts\.ensembles\.main\.WorkerLost: a cluster rule/ });
  t.throws(() => parseAlertsConfig({ ensembles: { mian: {} } }, ['crawler'], ['main']), { message: 'alerts.ensembles.mian: not a configured ensemble (ensembles: main)' });
  t.throws(() => parseAlertsConfig({ defaults: { ZooKeeperFileDescriptors: { ratio: 1.5 } } }), { message: /ZooKeeperFileDescriptors\.ratio: expected a number > 0 and <= 1/ });
  t.throws(() => parseAlertsConfig({ defaults: { ZooKeeperLatencyHigh: { threshold: -1 } } }), { message: /ZooKeeperLatencyHigh\.threshold/ });
  const c = parseAlertsConfig({ defaults: { ZooKeeperLatencyHigh: { threshold: 250, for: '2m' } } });
  t.like(c.defaults.ZooKeeperLatencyHigh, { threshold: 250, for: 120_000 });
  t.like(DEFAULT_RULES, {
    ZooKeeperServerDown: { for: 60_000, severity: 'critical' },
    ZooKeeperLatencyHigh: { threshold: 100, for: 60_000 },
    ZooKeeperFileDescriptors: { ratio: 0.8 },
    ZooKeeperOutstandingRequests: { threshold: 10 },
  });
});

const CD = DEFAULT_RULES.CollectorDisconnected;

test('CollectorDisconnected: without a poll the text is unchanged; with one it names the ensemble state', (t) => {
  const plain = collectorDisconnected({ cluster: 'crawler', connected: false, disconnectedSince: T0, config: CD, now: T0 + 1 });
  t.deepEqual(Object.keys(plain[0]!.annotations).sort(), ['description', 'inhibits', 'since', 'summary']);
  t.is(plain[0]!.annotations.summary, 'zkpulse cannot see crawler: its ZooKeeper session is not connected');
  const nullView = collectorDisconnected({ cluster: 'crawler', connected: false, disconnectedSince: T0, config: CD, now: T0 + 1, ensemble: null });
  t.deepEqual(nullView, plain);

  const view = (servers: Parameters<typeof poll>[1]) => {
    const snapshot = poll(T0, servers, 'main');
    return { snapshot, quorum: quorumOf(snapshot.servers) };
  };
  const ann = (servers: Parameters<typeof poll>[1]) =>
    collectorDisconnected({ cluster: 'crawler', connected: false, disconnectedSince: T0, config: CD, now: T0 + 1, ensemble: view(servers) })[0]!.annotations;

  const lost = ann([notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')]);
  t.is(lost.ensemble, 'main');
  t.is(lost.ensemble_state, 'quorum lost (0 of 3 voting servers serving, 2 needed); servers down: zk2:2181, zk3:2181; not serving: zk1:2181', 'the server still up is not called down');
  t.regex(lost.summary ?? '', /ZooKeeper ensemble main: quorum lost/);
  t.is(lost.inhibits, 'cluster');

  // every voter up but none leading or serving as a learner (an election under way)
  const noLeader = ann([
    { ...serving('zk1:2181', 'follower'), serving: false },
    serving('zk2:2181', 'observer'),
    { ...serving('zk3:2181', 'follower', {}, { synced_followers: null }), mode: null },
  ]);
  t.regex(noLeader.ensemble_state ?? '', /^quorum lost|^no leader/);

  const someDown = ann([serving('zk1:2181', 'leader', {}, { synced_followers: 1 }), serving('zk2:2181', 'follower'), down('zk3:2181')]);
  t.is(someDown.ensemble_state, 'servers down: zk3:2181');

  const fine = ann(healthy3());
  t.is(fine.ensemble_state, 'ok (3 of 3 voting servers serving, 2 needed)');
  t.regex(fine.summary ?? '', /though ensemble main serves/);
  t.regex(fine.description ?? '', /between the collector and ZooKeeper/);
});

test('CollectorDisconnected in the engine: the cluster\'s ensemble (default, or clusterEnsembles) gives the state', (t) => {
  const cluster = healthyCluster(T0);
  const config = parseAlertsConfig({});
  const lost = poll(T0, [notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')]);
  const base: EvaluationInput = { models: [cluster.model], connected: false, disconnectedSince: T0, now: T0 + 1000 };
  const cdOf = (input: EvaluationInput) => evaluate(emptyEngineState(), input, config).alerts.find((a) => a.labels.alertname === 'CollectorDisconnected');
  t.is(cdOf(base)?.annotations.ensemble_state, undefined, 'no poll: plain text');
  t.regex(cdOf({ ...base, ensembles: [lost] })?.annotations.ensemble_state ?? '', /^quorum lost \(0 of 3/);
  t.is(cdOf({ ...base, ensembles: [{ ...lost, ensemble: 'other' }] })?.annotations.ensemble_state, undefined, 'another ensemble says nothing of this cluster');
  t.regex(cdOf({ ...base, ensembles: [{ ...lost, ensemble: 'other' }], clusterEnsembles: new Map([['crawler', 'other']]) })?.annotations.ensemble_state ?? '', /^quorum lost/);
  t.is(cdOf({ ...base, ensembles: [lost], now: T0 + 60_000 })?.annotations.ensemble_state, undefined, 'a stale poll is not quoted');
});

test('inhibition and grouping: NoLeader mutes QuorumAtRisk and the load alerts of its ensemble, not ServerDown; CollectorDisconnected mutes no ensemble alert', (t) => {
  const config = parseAlertsConfig({ defaults: { ZooKeeperServerDown: { for: 0 }, ZooKeeperNoLeader: { for: 0 }, ZooKeeperQuorumAtRisk: { for: 0 } } });
  const cluster = healthyCluster(T0);
  const lost = poll(T0, [notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')]);
  const e = evaluate(emptyEngineState(), { models: [cluster.model], connected: false, disconnectedSince: T0 - 20_000, now: T0, ensembles: [lost, poll(T0, [down('x:2181'), down('y:2181'), serving('z:2181', 'follower')], 'other')] }, config);
  const by = (name: string, ensemble?: string) => e.alerts.filter((a) => a.labels.alertname === name && (ensemble === undefined || a.labels.ensemble === ensemble));
  const cd = by('CollectorDisconnected')[0]!;
  t.is(cd.state, 'firing');
  const noLeader = by('ZooKeeperNoLeader', 'default')[0]!;
  t.is(inhibitedBy(by('ZooKeeperQuorumAtRisk', 'default')[0]!, e.alerts, DEFAULT_INHIBIT_RULES), noLeader.fingerprint);
  for (const down of by('ZooKeeperServerDown', 'default')) t.is(inhibitedBy(down, e.alerts, DEFAULT_INHIBIT_RULES), null);
  t.is(inhibitedBy(noLeader, e.alerts, DEFAULT_INHIBIT_RULES), null, 'CollectorDisconnected (cluster crawler) does not mute the ensemble');
  t.is(inhibitedBy(by('ZooKeeperQuorumAtRisk', 'other')[0]!, e.alerts, DEFAULT_INHIBIT_RULES), null, 'another ensemble\'s NoLeader mutes nothing here');
  // one notification group per (alertname, ensemble): the three ServerDown of `default` together
  const groups = groupAlerts(e.alerts, ['alertname', 'cluster', 'ensemble']);
  t.is(groups.get('{}:{alertname="ZooKeeperServerDown", ensemble="default"}')?.alerts.length, 3);
  t.truthy(groups.get('{}:{alertname="WorkerLost", cluster="crawler"}') === undefined);
  // `alert` points: the ensemble tag, no empty cluster tag
  const [p] = alertPoints([noLeader], T0);
  t.deepEqual(p?.tags, { cluster: '', alertname: 'ZooKeeperNoLeader', severity: 'critical', ensemble: 'default' });
});
