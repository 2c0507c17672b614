/**
 * The rules of docs/contract.md §9: LockHeldTooLong, LockContention, SequenceNearExhaustion, ConfigChanged.
 * Their inputs are cluster models with locks, config and sequences set by hand (what the reducer keeps),
 * run alone and through the state machine (the Harness feeds it as the engine does).
 */
import test from 'ava';
import { Map as IMap } from 'immutable';
import { DEFAULT_ALERTS_CONFIG, DEFAULT_RULES, parseAlertsConfig, type AlertsConfig, type RuleConfigs } from '../../alerts/config.ts';
import { restoreEngineState, serializeEngineState, unwatched } from '../../alerts/engine/state.ts';
import { changedFieldNames } from '../../alerts/engine/memory-recipes.ts';
import { ruleApplicability } from '../../alerts/rules/applicability.ts';
import { ZK_RULES, type ZkRule, type ZkRuleName } from '../../alerts/rules/index.ts';
import { emptyMemory } from '../../alerts/rules/memory.ts';
import type { ClusterModel, ConfigState, LockContenderState, LockState } from '../../collector/model/types.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import type { LayoutCapabilities } from '../../contract/layout.ts';
import { SEQUENCE_LIMIT } from '../../contract/sequence-floor.ts';
import { brief, Harness, only, sessionOf, TestCluster } from '../support/alerts-fixtures.ts';

const T0 = 1_700_000_000_000;
/** a layout that can show nothing but its nodes: no heartbeat, tasks, split brain, locks or config */
const BARE: LayoutCapabilities = { heartbeat: false, tasks: false, splitBrain: false };
const MIN = 60_000;
const LOCK = 'locks/nightly';

function contender(seq: number, ctime: number, owner: string | null = `job-${seq}`): LockContenderState {
  const node = `lock-${String(seq).padStart(10, '0')}`;
  return { node, seq, mode: 'exclusive', session: sessionOf(100 + seq), owner, ctime, czxid: String(1000 + seq) };
}

/** A lock whose lowest contender holds it (since `heldSince`, default its ctime) and the others wait. */
function lockOf(contenders: LockContenderState[], heldSince?: number, lock = LOCK): LockState {
  const sorted = [...contenders].sort((a, b) => a.seq - b.seq);
  const first = sorted[0];
  return {
    lock,
    contenders: IMap(sorted.map((c) => [c.node, c])),
    holders: first === undefined ? [] : [first.node],
    heldSince: first === undefined ? null : (heldSince ?? first.ctime),
  };
}

function queue(waiters: number, ctime = T0): LockContenderState[] {
  return Array.from({ length: waiters + 1 }, (_, i) => contender(i + 1, ctime + i));
}

function modelWith(patch: Partial<ClusterModel>): ClusterModel {
  return { ...emptyCluster('crawler', '/apps/crawler'), synced: true, ...patch };
}

function run<N extends ZkRuleName>(name: N, model: ClusterModel, now: number, overrides: Partial<RuleConfigs[N]> = {}, addressOf?: (s: string) => string | null) {
  const rule = ZK_RULES[name] as unknown as ZkRule<N>;
  const config = { ...DEFAULT_RULES[name], ...overrides };
  return rule(addressOf ? { model, config, memory: emptyMemory(), now, addressOf } : { model, config, memory: emptyMemory(), now });
}

/** A synced TestCluster whose model the test then sets by hand (locks, config, sequences). */
function synced(): TestCluster {
  const c = new TestCluster();
  c.synced(T0 - 1000);
  return c;
}

const setLocks = (c: TestCluster, ...locks: LockState[]) => {
  c.model = { ...c.model, locks: IMap(locks.map((l) => [l.lock, l])) };
};

// --- LockHeldTooLong ---

test('LockHeldTooLong: fires only when held longer than `after` (10 m); labels add lock; annotations name the holder', (t) => {
  const model = modelWith({ locks: IMap([[LOCK, lockOf(queue(2))]]) });
  t.deepEqual(run('LockHeldTooLong', model, T0 + 10 * MIN), [], 'exactly `after`: not longer');
  const [c, ...rest] = run('LockHeldTooLong', model, T0 + 10 * MIN + 1);
  t.is(rest.length, 0);
  t.deepEqual(c?.labels, { alertname: 'LockHeldTooLong', cluster: 'crawler', severity: 'warning', lock: LOCK });
  t.like(c?.annotations, { holder: 'lock-0000000001', owner: 'job-1', session: sessionOf(101), held_since: new Date(T0).toISOString(), waiters: '2' });
  t.false('client_address' in (c?.annotations ?? {}));
  t.regex(c?.annotations.summary ?? '', /locks\/nightly.*crawler/);
  t.is(c?.activeSince, T0 + 10 * MIN, 'active from the moment it became too long, not from the first evaluation');
  t.is(c?.basis, T0);
  t.is(run('LockHeldTooLong', model, T0 + 2 * MIN, { after: MIN }).length, 1, '`after` is a setting');
  t.deepEqual(run('LockHeldTooLong', modelWith({ locks: IMap([[LOCK, lockOf([])]]) }), T0 + 60 * MIN), [], 'nobody holds it: nothing');
});

test('LockHeldTooLong: a waiter that took over counts from its take-over (heldSince), not from when it queued', (t) => {
  const model = modelWith({ locks: IMap([[LOCK, lockOf(queue(1), T0 + 5 * MIN)]]) });
  t.deepEqual(run('LockHeldTooLong', model, T0 + 12 * MIN), []);
  t.is(run('LockHeldTooLong', model, T0 + 15 * MIN + 1)[0]?.annotations.held_since, new Date(T0 + 5 * MIN).toISOString());
});

test('LockHeldTooLong: the holder\'s client address when the ensemble knows its session (addressOf), else none', (t) => {
  const model = modelWith({ locks: IMap([[LOCK, lockOf(queue(0))]]) });
  const asked: string[] = [];
  const known = run('LockHeldTooLong', model, T0 + 11 * MIN, {}, (s) => (asked.push(s), '10.0.0.7:51234'))[0];
  t.deepEqual(asked, [sessionOf(101)]);
  t.is(known?.annotations.client_address, '10.0.0.7:51234');
  t.regex(known?.annotations.description ?? '', /10\.0\.0\.7:51234/);
  t.false('client_address' in (run('LockHeldTooLong', model, T0 + 11 * MIN, {}, () => null)[0]?.annotations ?? {}));
});

test('LockHeldTooLong through the engine: addressOf of the evaluation input reaches the rule per cluster', (t) => {
  const c = synced();
  setLocks(c, lockOf(queue(0)));
  const h = new Harness([c]);
  const asked: string[] = [];
  h.addressOf = (cluster, session) => (asked.push(`${cluster}/${session}`), '10.1.2.3:4000');
  const [alert] = only(h.eval(T0 + 11 * MIN), 'LockHeldTooLong');
  t.is(alert?.annotations.client_address, '10.1.2.3:4000');
  t.true(asked.includes(`crawler/${sessionOf(101)}`));
});

test('LockHeldTooLong: a collector restart neither restarts the clock nor fires again (the hold start is in the persisted memory)', (t) => {
  const c = synced();
  // a waiter that took over at T0 (it queued earlier): only the model that saw the take-over knows when
  setLocks(c, lockOf(queue(3, T0 - 30 * MIN), T0));
  const h = new Harness([c]);
  for (let s = 0; s <= 11 * 60; s += 30) h.eval(T0 + s * 1000);
  const [firing] = only(h.last?.alerts ?? [], 'LockHeldTooLong');
  t.is(firing?.state, 'firing');
  t.is(firing?.activeAt, T0 + 10 * MIN);
  const firedAt = firing?.startsAt;

  // restart: the state comes back from ZooKeeper; the new model only sees the holder now (heldSince = its first sync)
  const restarted = synced();
  setLocks(restarted, lockOf(queue(3, T0 - 30 * MIN), T0 + 20 * MIN));
  const h2 = new Harness([restarted]);
  h2.state = unwatched(restoreEngineState(serializeEngineState(h.state)));
  const [after] = only(h2.eval(T0 + 20 * MIN), 'LockHeldTooLong');
  t.like(after, { state: 'firing', activeAt: T0 + 10 * MIN, startsAt: firedAt });
  t.is(after?.annotations.held_since, new Date(T0).toISOString());
  t.deepEqual(h2.transitions.filter((x) => x.labels.alertname === 'LockHeldTooLong'), [], 'no notice: nothing changed');

  // the holder gives the lock up: the next waiter holds from now, the alert resolves
  const [, ...waiting] = queue(3, T0 - 30 * MIN);
  setLocks(restarted, lockOf(waiting, T0 + 21 * MIN));
  t.deepEqual(brief(only(h2.eval(T0 + 21 * MIN), 'LockHeldTooLong')), ['LockHeldTooLong/resolved']);
  t.deepEqual(h2.state.memory.get('crawler')?.lockHolds.get(LOCK), { node: 'lock-0000000002', since: T0 + 21 * MIN });
});

test('LockHeldTooLong: a fresh engine (no state) counts from the model\'s heldSince: it fires at once for an old hold, activeAt the hold start + after', (t) => {
  const c = synced();
  setLocks(c, lockOf(queue(0, T0)));
  const h = new Harness([c]);
  const [a] = only(h.eval(T0 + 30 * MIN), 'LockHeldTooLong');
  t.like(a, { state: 'firing', activeAt: T0 + 10 * MIN });
});

// --- LockContention ---

test('LockContention: >= 5 waiters on one lock; 4 is not; labels add lock; holder and waiters in the annotations', (t) => {
  t.deepEqual(run('LockContention', modelWith({ locks: IMap([[LOCK, lockOf(queue(4))]]) }), T0), []);
  const [c] = run('LockContention', modelWith({ locks: IMap([[LOCK, lockOf(queue(5))]]) }), T0);
  t.deepEqual(c?.labels, { alertname: 'LockContention', cluster: 'crawler', severity: 'warning', lock: LOCK });
  t.like(c?.annotations, { holder: 'lock-0000000001', owner: 'job-1', session: sessionOf(101), waiters: '5', threshold: '5' });
  t.is(run('LockContention', modelWith({ locks: IMap([[LOCK, lockOf(queue(2))]]) }), T0, { waiters: 2 }).length, 1);
});

test('LockContention: pending for `for` (1 m), firing after; a queue that drains within the minute never fires', (t) => {
  const c = synced();
  setLocks(c, lockOf(queue(6)), lockOf(queue(1), undefined, 'locks/quiet'));
  const h = new Harness([c]);
  t.deepEqual(brief(only(h.eval(T0), 'LockContention')), ['LockContention/pending']);
  t.deepEqual(brief(only(h.eval(T0 + MIN - 1), 'LockContention')), ['LockContention/pending']);
  const [firing] = only(h.eval(T0 + MIN), 'LockContention');
  t.like(firing, { state: 'firing', labels: { lock: LOCK } });

  const d = synced();
  setLocks(d, lockOf(queue(6)));
  const h2 = new Harness([d]);
  h2.eval(T0);
  setLocks(d, lockOf(queue(2)));
  t.deepEqual(only(h2.eval(T0 + 30_000), 'LockContention'), []);
  t.false(h2.transitions.some((x) => x.to === 'firing'));
});

// --- SequenceNearExhaustion ---

test('SequenceNearExhaustion: past 0.9 × 2^31 fires, at it does not; label parent; what happens and what to do', (t) => {
  const at = Math.floor(0.9 * SEQUENCE_LIMIT); // 1932735283 <= 0.9 × 2^31 < 1932735284
  t.deepEqual(run('SequenceNearExhaustion', modelWith({ sequences: IMap([['election', at]]) }), T0), []);
  const [c, ...rest] = run('SequenceNearExhaustion', modelWith({ sequences: IMap([['election', at + 1], ['locks/nightly', 1_100_000_000]]) }), T0);
  t.is(rest.length, 0, 'only the parent past the threshold');
  t.deepEqual(c?.labels, { alertname: 'SequenceNearExhaustion', cluster: 'crawler', severity: 'warning', parent: 'election' });
  t.like(c?.annotations, { cversion: String(at + 1), limit: '2147483648', remaining: String(SEQUENCE_LIMIT - at - 1), ratio: '0.9' });
  t.regex(c?.annotations.description ?? '', /\/apps\/crawler\/election/);
  t.regex(c?.annotations.description ?? '', /negative/);
  t.regex(c?.annotations.description ?? '', /new parent/);
  t.deepEqual(run('SequenceNearExhaustion', modelWith({ sequences: IMap([['election', at + 1]]) }), T0, { ratio: 0.95 }), []);
  const wrapped = run('SequenceNearExhaustion', modelWith({ sequences: IMap([['election', -2_147_483_000]]) }), T0)[0];
  t.like(wrapped?.annotations, { remaining: '0' });
});

test('SequenceNearExhaustion applies to every layout: it fires for a layout without locks, config, heartbeat or tasks', (t) => {
  const c = synced();
  c.model = { ...c.model, sequences: IMap([['election', SEQUENCE_LIMIT - 10]]) };
  const h = new Harness([c]);
  h.capabilities = new Map([['crawler', BARE]]);
  t.deepEqual(brief(only(h.eval(T0), 'SequenceNearExhaustion')), ['SequenceNearExhaustion/firing']);
});

// --- ConfigChanged ---

const ON: AlertsConfig = parseAlertsConfig({ defaults: { ConfigChanged: { enabled: true, keep: '5m' } } });
const DIGEST = (n: number) => n.toString(16).padStart(64, 'a');

function configKey(key: string, version: number, changedAt: number, fields?: Record<string, string>): ConfigState {
  return { key, version, bytes: 100 + version, digest: DIGEST(version), changedAt, ...(fields ? { fields } : {}) };
}

const setConfig = (c: TestCluster, ...keys: ConfigState[]) => {
  c.model = { ...c.model, config: IMap(keys.map((k) => [k.key, k])) };
};

const fired = (h: Harness) => h.transitions.filter((x) => x.labels.alertname === 'ConfigChanged' && x.to === 'firing').map((x) => `${x.labels.key}@${x.at - T0}`);

test('ConfigChanged is off by default: no notice, and no memory kept', (t) => {
  t.false(DEFAULT_ALERTS_CONFIG.defaults.ConfigChanged.enabled);
  t.like(DEFAULT_RULES.ConfigChanged, { severity: 'info', keep: 5 * MIN });
  const c = synced();
  setConfig(c, configKey('config/db', 1, T0));
  const h = new Harness([c]);
  h.eval(T0);
  setConfig(c, configKey('config/db', 2, T0 + 1000));
  t.deepEqual(only(h.eval(T0 + 1000), 'ConfigChanged'), []);
  t.is(h.state.memory.get('crawler')?.configSeen.size, 0);
});

test('ConfigChanged: never for keys found on the first sync; once per change, resolved after `keep`, again on the next change', (t) => {
  const c = synced();
  setConfig(c, configKey('config/db', 3, T0 - 3600_000), configKey('config/flags', 7, T0 - 3600_000));
  const h = new Harness([c], ON);
  for (let s = 0; s <= 60; s += 10) h.eval(T0 + s * 1000);
  t.deepEqual(only(h.last?.alerts ?? [], 'ConfigChanged'), [], 'the first sync is no change');

  setConfig(c, configKey('config/db', 4, T0 + 61_000, { url: 'd1', pool: 'd2' }), configKey('config/flags', 7, T0 - 3600_000));
  const [notice] = only(h.eval(T0 + 62_000), 'ConfigChanged');
  t.like(notice, { state: 'firing', labels: { alertname: 'ConfigChanged', cluster: 'crawler', severity: 'info', key: 'config/db' } });
  t.like(notice?.annotations, { change: 'changed', version: '4', bytes: '104', digest: DIGEST(4).slice(0, 12) });
  t.false(Object.values(notice?.annotations ?? {}).some((v) => v.includes(DIGEST(4))), 'the digest is shortened');
  for (let s = 63; s < 62 + 300; s += 30) h.eval(T0 + s * 1000);
  t.deepEqual(brief(only(h.last?.alerts ?? [], 'ConfigChanged')), ['ConfigChanged/firing'], 'still within keep');
  t.deepEqual(brief(only(h.eval(T0 + 362_000), 'ConfigChanged')), ['ConfigChanged/resolved'], 'keep (5 m) after the change');
  t.deepEqual(fired(h), ['config/db@62000'], 'once for that change');

  // the next change of the same key: fires again, with the names of the fields that changed
  setConfig(c, configKey('config/db', 5, T0 + 400_000, { url: 'd1', pool: 'd3', ssl: 'd4' }), configKey('config/flags', 7, T0 - 3600_000));
  const [again] = only(h.eval(T0 + 401_000), 'ConfigChanged');
  t.like(again, { state: 'firing' });
  t.is(again?.annotations.changed_fields, 'pool,ssl');
  t.deepEqual(fired(h), ['config/db@62000', 'config/db@401000']);
});

test('ConfigChanged: a key created after the sync, and one deleted, are notices too; a changed key within keep updates its notice', (t) => {
  const c = synced();
  setConfig(c, configKey('config/db', 1, T0 - 1000));
  const h = new Harness([c], ON);
  h.eval(T0);
  setConfig(c, configKey('config/db', 1, T0 - 1000), configKey('config/new', 0, T0 + 500));
  t.like(only(h.eval(T0 + 1000), 'ConfigChanged')[0]?.annotations, { change: 'created', version: '0' });
  setConfig(c, configKey('config/new', 0, T0 + 500));
  const deleted = only(h.eval(T0 + 2000), 'ConfigChanged').find((a) => a.labels.key === 'config/db');
  t.like(deleted?.annotations, { change: 'deleted', version: '-1', digest: '' });
  setConfig(c, configKey('config/new', 1, T0 + 2500));
  const updated = only(h.eval(T0 + 3000), 'ConfigChanged').find((a) => a.labels.key === 'config/new');
  t.like(updated, { state: 'firing', annotations: { change: 'changed', version: '1' } });
  // the deleted key's notice ends after keep and the key is forgotten; re-created it is "created"
  h.eval(T0 + 2000 + 5 * MIN);
  t.false(h.state.memory.get('crawler')?.configSeen.has('config/db'));
  setConfig(c, configKey('config/new', 1, T0 + 2500), configKey('config/db', 0, T0 + 6 * MIN));
  t.like(only(h.eval(T0 + 6 * MIN), 'ConfigChanged').find((a) => a.labels.key === 'config/db'), { state: 'firing', annotations: { change: 'created' } });
});

test('ConfigChanged: a fresh engine whose first evaluation comes after the sync notices what the model saw change since it, not what the sync found', (t) => {
  // the engine starts once its state has loaded from ZooKeeper, after the watch's first sync: a key created
  // (or changed) in between carries changedSinceSync from the reducer, and is a notice like any later change
  const c = synced();
  setConfig(c, configKey('config/found', 1, T0 - 3600_000), { ...configKey('config/new', 0, T0 - 100), changedSinceSync: true });
  const h = new Harness([c], ON);
  const alerts = only(h.eval(T0), 'ConfigChanged');
  t.deepEqual(alerts.map((a) => a.labels.key), ['config/new']);
  t.like(alerts[0], { state: 'firing', annotations: { change: 'created', version: '0' } });
});

test('ConfigChanged across a collector restart: a change made while it was down is one notice; unchanged keys none', (t) => {
  const c = synced();
  setConfig(c, configKey('config/db', 1, T0 - 1000), configKey('config/flags', 2, T0 - 1000));
  const h = new Harness([c], ON);
  h.eval(T0);
  const stored = serializeEngineState(h.state);

  const restarted = synced();
  setConfig(restarted, configKey('config/db', 2, T0 + 10_000), configKey('config/flags', 2, T0 - 1000));
  const h2 = new Harness([restarted], ON);
  h2.state = unwatched(restoreEngineState(stored));
  h2.eval(T0 + 20_000);
  h2.eval(T0 + 21_000);
  t.deepEqual(fired(h2), ['config/db@20000']);
  // a restored state from before config was watched has no keys: its first sync is silent
  const old = JSON.parse(stored) as { memory: [string, Record<string, unknown>][] };
  delete old.memory[0]![1].configSeen;
  delete old.memory[0]![1].configKnown;
  const h3 = new Harness([restarted], ON);
  h3.state = unwatched(restoreEngineState(JSON.stringify(old)));
  h3.eval(T0 + 20_000);
  t.deepEqual(fired(h3), []);
});

test('ConfigChanged: a blind period freezes the notice; the resync notices what changed meanwhile', (t) => {
  const c = synced();
  setConfig(c, configKey('config/db', 1, T0 - 1000));
  const h = new Harness([c], ON);
  h.eval(T0);
  h.disconnect(T0 + 1000);
  setConfig(c, configKey('config/db', 2, T0 + 2000));
  t.deepEqual(only(h.eval(T0 + 3000), 'ConfigChanged'), [], 'blind: not judged');
  h.reconnect(T0 + 4000);
  c.synced(T0 + 4000);
  h.eval(T0 + 5000);
  t.deepEqual(fired(h), ['config/db@5000']);
});

test('changedFieldNames: names whose digests differ or that only one side has, sorted', (t) => {
  t.deepEqual(changedFieldNames({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' }), ['b', 'c', 'd']);
  t.deepEqual(changedFieldNames({ a: '1' }, { a: '1' }), []);
});

test('the engine state keeps lock holds and config memory; malformed ones are refused by name', (t) => {
  const c = synced();
  setLocks(c, lockOf(queue(1)));
  setConfig(c, configKey('config/db', 1, T0));
  const h = new Harness([c], ON);
  h.eval(T0);
  const text = serializeEngineState(h.state);
  const back = restoreEngineState(text).memory.get('crawler');
  t.deepEqual(back?.lockHolds.toJS(), { [LOCK]: { node: 'lock-0000000001', since: T0 } });
  t.true(back?.configKnown);
  t.is(back?.configSeen.get('config/db')?.version, 1);
  const bad = JSON.parse(text) as { memory: [string, Record<string, unknown>][] };
  bad.memory[0]![1].lockHolds = [[LOCK, { node: 3 }]];
  t.throws(() => restoreEngineState(JSON.stringify(bad)), { message: /malformed lock holds/ });
  bad.memory[0]![1].lockHolds = [];
  bad.memory[0]![1].configSeen = [['config/db', { version: 'x' }]];
  t.throws(() => restoreEngineState(JSON.stringify(bad)), { message: /malformed configuration memory/ });
});

// --- config and applicability ---

test('config: defaults of §9; bad values name the key', (t) => {
  const d = parseAlertsConfig({}).defaults;
  t.like(d.LockHeldTooLong, { enabled: true, after: 10 * MIN, for: 0, severity: 'warning' });
  t.like(d.LockContention, { enabled: true, waiters: 5, for: MIN, severity: 'warning' });
  t.like(d.SequenceNearExhaustion, { enabled: true, ratio: 0.9, severity: 'warning' });
  t.like(d.ConfigChanged, { enabled: false, keep: 5 * MIN, severity: 'info' });
  t.like(parseAlertsConfig({ clusters: { crawler: { LockHeldTooLong: { after: '30m' }, LockContention: { waiters: 2, for: '10s' } } } }).clusters.crawler, {
    LockHeldTooLong: { after: 30 * MIN },
    LockContention: { waiters: 2, for: 10_000 },
  });
  const cases: Array<[unknown, string]> = [
    [{ defaults: { LockHeldTooLong: { after: '0s' } } }, 'alerts.defaults.LockHeldTooLong.after: expected a duration > 0'],
    [{ defaults: { LockContention: { waiters: 0 } } }, 'alerts.defaults.LockContention.waiters: expected a whole number >= 1'],
    [{ clusters: { crawler: { SequenceNearExhaustion: { ratio: 1.2 } } } }, 'alerts.clusters.crawler.SequenceNearExhaustion.ratio: expected a number >= 0.5 and < 1 (a share of 2^31)'],
    [{ defaults: { SequenceNearExhaustion: { ratio: 0.3 } } }, 'alerts.defaults.SequenceNearExhaustion.ratio: expected a number >= 0.5 and < 1 (a share of 2^31)'],
    [{ defaults: { ConfigChanged: { keep: 'soon' } } }, 'alerts.defaults.ConfigChanged.keep: '],
    [{ defaults: { ConfigChanged: { enabled: 'yes' } } }, 'alerts.defaults.ConfigChanged.enabled: expected true or false'],
    [{ defaults: { LockHeldTooLong: { waiters: 3 } } }, 'alerts.defaults.LockHeldTooLong: unknown key "waiters"'],
  ];
  for (const [raw, message] of cases) {
    const err = t.throws(() => parseAlertsConfig(raw));
    t.true(err?.message.startsWith(message), `${err?.message} (expected ${message})`);
  }
});

test('applicability: the lock rules need capability locks, ConfigChanged config; SequenceNearExhaustion every layout', (t) => {
  const none = ruleApplicability('crawler', { name: 'kazoo-party', capabilities: BARE }, ON);
  const byName = Object.fromEntries(none.map((r) => [r.name, r]));
  t.deepEqual(byName.LockHeldTooLong, { name: 'LockHeldTooLong', applies: false, reason: 'the kazoo-party layout watches no locks (clusters.<name>.locks)' });
  t.deepEqual(byName.LockContention, { name: 'LockContention', applies: false, reason: 'the kazoo-party layout watches no locks (clusters.<name>.locks)' });
  t.deepEqual(byName.ConfigChanged, { name: 'ConfigChanged', applies: false, reason: 'the kazoo-party layout watches no configuration keys (clusters.<name>.config)' });
  t.deepEqual(byName.SequenceNearExhaustion, { name: 'SequenceNearExhaustion', applies: true });
  const both = Object.fromEntries(ruleApplicability('crawler', { name: 'zkpulse', capabilities: { ...BARE, locks: true, config: true } }, parseAlertsConfig({})).map((r) => [r.name, r]));
  t.true(both.LockHeldTooLong?.applies);
  t.true(both.LockContention?.applies);
  t.deepEqual(both.ConfigChanged, { name: 'ConfigChanged', applies: false, reason: 'disabled in the alerts config' });
  t.true(Object.fromEntries(ruleApplicability('crawler', { name: 'zkpulse', capabilities: { ...BARE, config: true } }, ON).map((r) => [r.name, r])).ConfigChanged?.applies);
});

test('applicability in the engine: a layout without locks never gets the lock alerts, nor keeps lock memory; one with locks does', (t) => {
  for (const [caps, expected] of [
    [{ ...BARE, heartbeat: true }, []],
    [{ ...BARE, locks: true }, ['LockContention/pending', 'LockHeldTooLong/firing']],
  ] as const) {
    const c = synced();
    setLocks(c, lockOf(queue(6, T0 - 20 * MIN)));
    const h = new Harness([c]);
    h.capabilities = new Map([['crawler', caps]]);
    const got = brief(h.eval(T0).filter((a) => (a.labels.alertname ?? '').startsWith('Lock'))).sort();
    t.deepEqual(got, [...expected], JSON.stringify(caps));
    t.is(h.state.memory.get('crawler')?.lockHolds.size, expected.length === 0 ? 0 : 1);
  }
});

test('lock rules: a read lock shared by three readers names the first and counts the others; annotations do not tick', (t) => {
  const readers = [1, 2, 3].map((seq) => ({ ...contender(seq, T0 + seq), mode: 'read' as const }));
  const writers = [4, 5, 6, 7, 8].map((seq) => ({ ...contender(seq, T0 + seq), mode: 'write' as const }));
  const lock: LockState = { ...lockOf([...readers, ...writers]), holders: readers.map((r) => r.node) };
  const model = modelWith({ locks: IMap([[LOCK, lock]]) });
  const early = run('LockHeldTooLong', model, T0 + 11 * MIN)[0];
  const late = run('LockHeldTooLong', model, T0 + 50 * MIN)[0];
  t.like(early?.annotations, { holder: 'lock-0000000001', waiters: '5' });
  t.regex(early?.annotations.description ?? '', /with 2 other holder\(s\)/);
  t.deepEqual(early?.annotations, late?.annotations, 'nothing in them changes with time alone');
  t.like(run('LockContention', model, T0)[0]?.annotations, { waiters: '5' }, 'the readers holding are not waiting');
});
