// The model with the built-in layouts of docs/contract.md §8: a lowest-candidate leader (a new lowest
// candidate is a leader change, its czxid the epoch), Kafka's controller epoch and offline partitions,
// and split brain as HBase and Solr show it. Names and bytes: test/support/layout-fixtures.ts.
import test from 'ava';
import { layoutNamed, type Layout } from '../../contract/index.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import { emptyMemory } from '../../alerts/rules/memory.ts';
import { DEFAULT_RULES } from '../../alerts/config/defaults.ts';
import { ZK_RULES } from '../../alerts/rules/index.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import { added, foldWith, removed, synced, typed, CLUSTER } from '../support/layout-events.ts';
import * as F from '../support/layout-fixtures.ts';

const layout = (name: string): Layout => layoutNamed(name)!;
const S1 = '00000000000000a1';
const S2 = '00000000000000a2';

test('latch: the leader is the lowest sequence, not the lowest name; its czxid is the epoch', (t) => {
  const l = layout('curator-leader-latch');
  // LATCH_HIGH sorts first by name (_c_0a…) but has sequence 2; LATCH_LOW (_c_f1…) has 1
  t.true(F.LATCH_HIGH < F.LATCH_LOW);
  const { model, events } = foldWith(l, [
    added(F.LATCH_HIGH, 'b', { czxid: 21, owner: S2 }),
    added(F.LATCH_LOW, 'a', { czxid: 20, owner: S1 }),
    synced(),
  ]);
  t.like(model.master, { id: 'a', epoch: '20', session: S1, node: F.LATCH_LOW });
  t.deepEqual(typed(events, 'MasterElected', 'MasterLost'), [{ type: 'MasterElected', id: 'a', epoch: '20', session: S1 }], 'elected once, at the end of the sync');
  t.is(model.workers.size, 2, 'the candidates are the members');
  t.true(model.workers.get(F.LATCH_LOW)?.up);
});

test('latch: the leader leaving is a leader change to the next lowest; a higher newcomer is none', (t) => {
  const l = layout('curator-leader-latch');
  const start = foldWith(l, [added(F.LATCH_LOW, 'a', { czxid: 20, owner: S1 }), synced()]).model;
  const joined = foldWith(l, [added(F.LATCH_HIGH, 'b', { czxid: 21, owner: S2 })], start);
  t.deepEqual(typed(joined.events, 'MasterElected', 'MasterLost'), [], 'a candidate behind the leader changes nothing');
  const left = foldWith(l, [removed(F.LATCH_LOW, 'a', { czxid: 20, owner: S1 })], joined.model);
  t.deepEqual(typed(left.events, 'MasterElected', 'MasterLost', 'WorkerLeft'), [
    { type: 'MasterLost', id: 'a', epoch: '20' },
    { type: 'MasterElected', id: 'b', epoch: '21', session: S2 },
    { type: 'WorkerLeft', worker: F.LATCH_LOW, reason: 'crash' },
  ]);
  t.like(left.model.master, { id: 'b', epoch: '21', node: F.LATCH_HIGH });
  const gone = foldWith(l, [removed(F.LATCH_HIGH, 'b', { czxid: 21, owner: S2 })], left.model);
  t.is(gone.model.master, null);
  t.deepEqual(typed(gone.events, 'MasterLost'), [{ type: 'MasterLost', id: 'b', epoch: '21' }]);
});

test('kazoo election: a new lowest candidate (a lower sequence) takes over', (t) => {
  const l = layout('kazoo-election');
  const start = foldWith(l, [added(F.KAZOO_LOCK_HIGH, 'e2', { czxid: 31, owner: S2 }), synced()]).model;
  t.like(start.master, { id: 'e2', epoch: '31' });
  // a node with a lower sequence appears (as after the wrap of a parent's cversion, or a delayed read)
  const { model, events } = foldWith(l, [added(F.KAZOO_LOCK_LOW, 'e1', { czxid: 30, owner: S1 })], start);
  t.like(model.master, { id: 'e1', epoch: '30' });
  t.deepEqual(typed(events, 'MasterElected', 'MasterLost'), [
    { type: 'MasterLost', id: 'e2', epoch: '31' },
    { type: 'MasterElected', id: 'e1', epoch: '30', session: S1 },
  ]);
});

test('lowest-candidate: the whole root going is one leader loss, not an election per node', (t) => {
  const l = layout('kazoo-election');
  const start = foldWith(l, [added(F.KAZOO_LOCK_LOW, 'e1', { czxid: 30 }), added(F.KAZOO_LOCK_HIGH, 'e2', { czxid: 31, owner: S2 }), synced()]).model;
  const { model, events } = foldWith(l, [removed('', null)], start);
  t.is(model.master, null);
  t.deepEqual(typed(events, 'MasterElected', 'MasterLost'), [{ type: 'MasterLost', id: 'e1', epoch: '30' }]);
});

test('lowest-candidate: no leader change while blind; the resync settles it once', (t) => {
  const l = layout('kazoo-election');
  const start = foldWith(l, [added(F.KAZOO_LOCK_LOW, 'e1', { czxid: 30 }), added(F.KAZOO_LOCK_HIGH, 'e2', { czxid: 31, owner: S2 }), synced()]).model;
  const blind = foldWith(l, [{ kind: 'connection', state: 'disconnected', time: 2000 }, removed(F.KAZOO_LOCK_LOW, 'e1', { czxid: 30 })], start);
  t.like(blind.model.master, { id: 'e1' }, 'frozen while blind');
  t.deepEqual(typed(blind.events, 'MasterElected', 'MasterLost'), []);
  const back = foldWith(l, [{ kind: 'connection', state: 'reconnected', time: 3000 }, { ...synced(3000), afterBlind: true } as never], blind.model);
  t.like(back.model.master, { id: 'e2', epoch: '31' });
  t.is(typed(back.events, 'MasterElected').length, 1);
});

test('kafka: the master epoch is controller_epoch, whichever of the two nodes is read first', (t) => {
  const l = layout('kafka');
  // KafkaZkClient.registerControllerAndIncrementControllerEpoch: one multi, so the controller's czxid is
  // the epoch node's mzxid
  const base = foldWith(l, [added('controller_epoch', '4', { czxid: 5, mzxid: 90 }), added('controller', F.kafkaController(1), { czxid: 90 }), synced()]);
  t.like(base.model.master, { id: '1', epoch: '4', czxid: '90' });
  t.deepEqual(typed(base.events, 'MasterElected'), [{ type: 'MasterElected', id: '1', epoch: '4', session: S1 }]);

  const failover = [removed('controller', F.kafkaController(1), { czxid: 90 })];
  // epoch first, then the controller
  const a = foldWith(l, [...failover, added('controller_epoch', '5', { czxid: 5, mzxid: 120 }), added('controller', F.kafkaController(2), { czxid: 120, owner: S2 })], base.model);
  // the controller first: its election waits for the epoch written in the same transaction
  const b = foldWith(l, [...failover, added('controller', F.kafkaController(2), { czxid: 120, owner: S2 }), added('controller_epoch', '5', { czxid: 5, mzxid: 120 })], base.model);
  for (const r of [a, b]) {
    t.like(r.model.master, { id: '2', epoch: '5', czxid: '120' });
    t.is(r.model.master?.epochPending, undefined);
    t.deepEqual(typed(r.events, 'MasterElected', 'MasterLost'), [
      { type: 'MasterLost', id: '1', epoch: '4' },
      { type: 'MasterElected', id: '2', epoch: '5', session: S2 },
    ]);
  }
});

test('kafka: a controller whose epoch never comes is elected at the end of the sync with the epoch known', (t) => {
  const l = layout('kafka');
  const { model, events } = foldWith(l, [added('controller', F.kafkaController(1), { czxid: 90 }), added('controller_epoch', '4', { czxid: 5, mzxid: 80 }), synced()]);
  t.like(model.master, { id: '1', epoch: '4' });
  t.deepEqual(typed(events, 'MasterElected'), [{ type: 'MasterElected', id: '1', epoch: '4', session: S1 }]);
});

const partition = (topic: string, p: number, leader: number, czxid = 200 + p) =>
  added(`brokers/topics/${topic}/partitions/${p}/state`, F.kafkaPartitionState(leader), { czxid, owner: '0000000000000000' });

function rule(name: 'KafkaOfflinePartitions' | 'SplitBrain', model: ClusterModel) {
  const input = { model, memory: emptyMemory(), now: 10_000 };
  return name === 'SplitBrain'
    ? ZK_RULES.SplitBrain({ ...input, config: DEFAULT_RULES.SplitBrain })
    : ZK_RULES.KafkaOfflinePartitions({ ...input, config: DEFAULT_RULES.KafkaOfflinePartitions });
}

test('kafka: partitions with leader -1 are offline; KafkaOfflinePartitions per topic', (t) => {
  const l = layout('kafka');
  const { model } = foldWith(l, [partition('orders', 0, 1), partition('orders', 1, -1), partition('orders', 10, -1), partition('orders', 2, -1), partition('logs', 0, 2), synced()]);
  t.deepEqual(model.partitions.get('orders/1'), { topic: 'orders', partition: '1', leader: -1, offline: true, invalid: null });
  t.like(model.partitions.get('logs/0'), { leader: 2, offline: false });
  const conditions = rule('KafkaOfflinePartitions', model);
  t.deepEqual(conditions.map((c) => c.labels), [{ alertname: 'KafkaOfflinePartitions', cluster: CLUSTER, severity: 'critical', topic: 'orders' }]);
  t.like(conditions[0]!.annotations, { offline_count: '3', partitions: '1,2,10' });

  // the partition gets a leader again; the topic is deleted
  const healed = foldWith(l, [partition('orders', 1, 3), partition('orders', 2, 3), partition('orders', 10, 3)], model).model;
  t.deepEqual(rule('KafkaOfflinePartitions', healed), []);
  const deleted = foldWith(l, [removed('brokers/topics/orders', null, { czxid: 150 })], model).model;
  t.deepEqual([...deleted.partitions.keys()], ['logs/0']);
  t.deepEqual(rule('KafkaOfflinePartitions', deleted), []);
  t.deepEqual(rule('KafkaOfflinePartitions', emptyCluster(CLUSTER, '/r')), [], 'a layout without partitions: nothing');
});

test('hbase: the active master also listed under backup-masters is a split brain', (t) => {
  const l = layout('hbase');
  const other = 'hbase-master-2.example.com,16000,1700000000999';
  const normal = foldWith(l, [added('master', F.HBASE_MASTER_DATA, { czxid: 40 }), added(`backup-masters/${other}`, F.HBASE_MASTER_DATA, { czxid: 41, owner: S2 }), synced()]).model;
  t.like(normal.master, { id: F.HBASE_MASTER_SERVER, invalid: null });
  t.is(normal.splitBrainCheck, 'leader-not-a-candidate');
  t.deepEqual(rule('SplitBrain', normal), [], 'a backup master that is another server: fine (sessions differ, as they should)');
  const split = foldWith(l, [added(`backup-masters/${F.HBASE_MASTER_SERVER}`, F.HBASE_MASTER_DATA, { czxid: 42 })], normal).model;
  const c = rule('SplitBrain', split);
  t.is(c.length, 1);
  t.like(c[0]!.annotations, { master_id: F.HBASE_MASTER_SERVER, leader_node: F.HBASE_MASTER_SERVER });
});

test('hbase: region servers are members, their binary data decoded', (t) => {
  const l = layout('hbase');
  const { model } = foldWith(l, [added(`rs/${F.HBASE_RS_SERVER}`, F.HBASE_RS_DATA, { czxid: 50 }), synced()]);
  const rs = model.workers.get(F.HBASE_RS_SERVER);
  t.like(rs, { host: 'rs-3.example.com', up: true, invalid: null });
  t.like(rs?.meta as object, { infoPort: 16030, version: '2.5.10' });
  const gone = foldWith(l, [removed(`rs/${F.HBASE_RS_SERVER}`, F.HBASE_RS_DATA, { czxid: 50 })], model);
  t.deepEqual(typed(gone.events, 'WorkerLeft'), [{ type: 'WorkerLeft', worker: F.HBASE_RS_SERVER, reason: 'crash' }]);
});

test('solr: the leader that is not the lowest election node is a split brain', (t) => {
  const l = layout('solr');
  const events = [
    added(`overseer_elect/election/${F.SOLR_NODE_LOW}`, null, { czxid: 60 }),
    added(`overseer_elect/election/${F.SOLR_NODE_HIGH}`, null, { czxid: 61, owner: S2 }),
    added(`live_nodes/${F.SOLR_LIVE}`, null, { czxid: 62 }),
  ];
  const good = foldWith(l, [...events, added('overseer_elect/leader', F.solrLeader(F.SOLR_NODE_LOW), { czxid: 63 }), synced()]).model;
  t.like(good.master, { id: F.SOLR_NODE_LOW });
  t.like(good.candidates.get(F.SOLR_NODE_LOW), { id: '127.0.0.1:8983_solr', seq: 3 });
  t.like(good.workers.get(F.SOLR_LIVE), { host: '127.0.0.1', up: true });
  t.deepEqual(rule('SplitBrain', good), []);
  const bad = foldWith(l, [...events, added('overseer_elect/leader', F.solrLeader(F.SOLR_NODE_HIGH), { czxid: 63, owner: S2 }), synced()]).model;
  const c = rule('SplitBrain', bad);
  t.is(c.length, 1);
  t.like(c[0]!.annotations, { master_id: F.SOLR_NODE_HIGH, leader_node: F.SOLR_NODE_LOW });
});

test('the session check stays the zkpulse one: a model of another layout never gets it', (t) => {
  // a kafka model with a controller and (hypothetically) candidates of another session: no split brain
  const m = foldWith(layout('kafka'), [added('controller', F.kafkaController(1), { czxid: 90 }), synced()]).model;
  t.is(m.splitBrainCheck, null);
  t.deepEqual(rule('SplitBrain', m), []);
  t.is(emptyCluster(CLUSTER, '/r').splitBrainCheck, 'session');
});

test('curator service discovery: a service container going takes only its instances', (t) => {
  const l = layout('curator-service-discovery');
  const other = F.SERVICE_INSTANCE.replace('"svc"', '"web"').replace('"inst-9"', '"w1"');
  const { model } = foldWith(l, [added('svc/inst-9', F.SERVICE_INSTANCE, { czxid: 70 }), added('web/w1', other, { czxid: 71 }), synced()]);
  t.like(model.workers.get('svc/inst-9')?.meta as object, { service: 'svc' });
  t.like(model.workers.get('web/w1')?.meta as object, { service: 'web' });
  const r = foldWith(l, [removed('svc', null, { czxid: 69 })], model);
  t.deepEqual(typed(r.events, 'WorkerLeft'), [{ type: 'WorkerLeft', worker: 'svc/inst-9', reason: 'crash' }]);
  t.true(r.model.workers.get('web/w1')?.up);
});
