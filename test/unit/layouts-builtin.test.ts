// The built-in layouts of docs/contract.md §8 (contract/built-in/): every path classified, the data of each
// role decoded into the common shapes from the exact upstream bytes (test/support/layout-fixtures.ts), and
// garbage data tracked and counted by the model, never a crash.
import test from 'ava';
import { indexWatchPlan, layoutNamed, layoutNames, type Layout, type NodeClass } from '../../contract/index.ts';
import { decodeCuratorParticipantId, decodeKafkaBroker } from '../../contract/layouts/index.ts';
import { added, foldWith, synced } from '../support/layout-events.ts';
import * as F from '../support/layout-fixtures.ts';

const layout = (name: string): Layout => {
  const l = layoutNamed(name);
  if (l === undefined) throw new Error(`no layout ${name}`);
  return l;
};

const classes = (l: Layout, paths: string[]): Record<string, NodeClass> => Object.fromEntries(paths.map((p) => [p, l.classify(p)]));

test('the registry holds every layout of §8 under its name', (t) => {
  t.deepEqual(layoutNames(), [
    'zkpulse',
    'curator-leader-latch',
    'curator-leader-selector',
    'curator-service-discovery',
    'kazoo-election',
    'kazoo-party',
    'kafka',
    'hbase',
    'solr',
    'hdfs-ha',
    'yarn-ha',
  ]);
  for (const name of layoutNames()) t.is(layout(name).name, name);
});

test('no foreign layout has a heartbeat or tasks; split brain only where the layout shows one', (t) => {
  for (const name of layoutNames().filter((n) => n !== 'zkpulse')) {
    const l = layout(name);
    t.false(l.capabilities.heartbeat, name);
    t.false(l.capabilities.tasks, name);
    t.is(l.capabilities.splitBrain, name === 'hbase' || name === 'solr', name);
  }
  t.is(layout('hbase').splitBrainCheck, 'leader-not-a-candidate');
  t.is(layout('solr').splitBrainCheck, 'leader-is-lowest-candidate');
  t.is(layout('zkpulse').splitBrainCheck, 'session');
  t.is(layout('zkpulse').leaderRule, 'node');
  for (const name of ['curator-leader-latch', 'curator-leader-selector', 'kazoo-election']) t.is(layout(name).leaderRule, 'lowest-candidate', name);
});

test('a watch plan rooted at the cluster root: containers below "" are known as such', (t) => {
  const discovery = indexWatchPlan(layout('curator-service-discovery').watch);
  t.true(discovery.isContainer(''));
  t.true(discovery.childrenAreContainers(''));
  t.true(discovery.isContainer('svc'), 'a service is a container (its children are the instances)');
  t.false(discovery.childrenAreContainers('svc'));
  t.false(discovery.isContainer('svc/inst-9'));
  const kafka = indexWatchPlan(layout('kafka').watch);
  t.true(kafka.isContainer('brokers/topics/t1/partitions/0'));
  t.false(kafka.isContainer('brokers/topics/t1/partitions/0/state'));
  t.true(kafka.isLeaf('controller_epoch'));
});

test('curator-leader-latch: latch children are candidates and members, by sequence', (t) => {
  const l = layout('curator-leader-latch');
  t.deepEqual(classes(l, ['', F.LATCH_LOW, 'latch-0000000012', F.SELECTOR_CHILD, 'latch-', `${F.LATCH_LOW}/x`, 'not-a-latch']), {
    '': { role: 'root' },
    [F.LATCH_LOW]: { role: 'candidate', node: F.LATCH_LOW, seq: 1, member: F.LATCH_LOW },
    'latch-0000000012': { role: 'candidate', node: 'latch-0000000012', seq: 12, member: 'latch-0000000012' },
    [F.SELECTOR_CHILD]: { role: 'other' },
    'latch-': { role: 'other' },
    [`${F.LATCH_LOW}/x`]: { role: 'other' },
    'not-a-latch': { role: 'other' },
  });
  t.deepEqual(l.watch, { containers: [{ path: '', depth: 1 }], leaves: [] });
  t.deepEqual(l.decode.candidate('worker-1', 8), { ok: true, value: { id: 'worker-1' } });
  t.deepEqual(l.decode.candidate(null, 0), { ok: true, value: { id: '' } }, 'LeaderLatch writes "" by default');
  const m = l.decode.member('worker-1', 8);
  t.true(m.ok && m.value.id === 'worker-1' && m.value.host === null);
  t.regex((l.decode.candidate('\ufffd', 1, Buffer.of(0xc3)) as { reason: string }).reason, /participant id is not valid UTF-8/);
});

test('curator-leader-selector: lock children, the data is the id or the local address', (t) => {
  const l = layout('curator-leader-selector');
  t.deepEqual(l.classify(F.SELECTOR_CHILD), { role: 'candidate', node: F.SELECTOR_CHILD, seq: 0, member: F.SELECTOR_CHILD });
  t.deepEqual(l.classify(F.LATCH_LOW), { role: 'other' });
  t.deepEqual(l.decode.candidate('10.0.0.7', 8), { ok: true, value: { id: '10.0.0.7' } });
});

test('curator-service-discovery: R/<service>/<id> members keyed <service>/<id>, grouped by service', (t) => {
  const l = layout('curator-service-discovery');
  t.deepEqual(classes(l, ['', 'svc', 'svc/inst-9', 'svc/inst-9/x']), {
    '': { role: 'root' },
    svc: { role: 'container', holds: 'member', group: 'svc' },
    'svc/inst-9': { role: 'member', id: 'svc/inst-9' },
    'svc/inst-9/x': { role: 'other' },
  });
  const m = l.decode.member(F.SERVICE_INSTANCE, F.SERVICE_INSTANCE.length);
  t.true(m.ok);
  if (!m.ok) return;
  t.like(m.value, { id: 'inst-9', host: '127.0.0.1', startedAt: 1796164371447, heartbeatMs: null, state: null });
  t.like(m.value.meta as object, { service: 'svc', port: 8080, sslPort: 8443, serviceType: 'DYNAMIC', uriSpec: '{scheme}://{address}:{port}' });
  t.is((l.decode.member('{"name":"svc"}', 14) as { reason: string }).reason, 'ServiceInstance: field id: required (a string)');
});

test('kazoo-election: __lock__ children, never __rlock__', (t) => {
  const l = layout('kazoo-election');
  t.deepEqual(l.classify(F.KAZOO_LOCK_HIGH), { role: 'candidate', node: F.KAZOO_LOCK_HIGH, seq: 1, member: F.KAZOO_LOCK_HIGH });
  t.deepEqual(l.classify('f9dfaa7baa2345f89e5d735a3f493645__rlock__0000000004'), { role: 'other' });
  t.deepEqual(l.classify(F.KAZOO_PARTY), { role: 'other' });
  t.deepEqual(l.decode.candidate('e1', 2), { ok: true, value: { id: 'e1' } });
});

test('kazoo-party: Party members keyed by node (id in the data), ShallowParty by the id after the first dash', (t) => {
  const l = layout('kazoo-party');
  t.deepEqual(classes(l, ['', F.KAZOO_PARTY, F.KAZOO_SHALLOW, 'a/b']), {
    '': { role: 'root' },
    [F.KAZOO_PARTY]: { role: 'member', id: F.KAZOO_PARTY },
    [F.KAZOO_SHALLOW]: { role: 'member', id: 'worker-7' },
    'a/b': { role: 'other' },
  });
  const m = l.decode.member('p1', 2);
  t.true(m.ok && m.value.id === 'p1');
});

test('kafka: controller, controller_epoch, brokers and partition states', (t) => {
  const l = layout('kafka');
  t.deepEqual(
    classes(l, ['', 'controller', 'controller_epoch', 'brokers/ids', 'brokers/ids/1', 'brokers/ids/x', 'brokers/topics', 'brokers/topics/t1', 'brokers/topics/t1/partitions', 'brokers/topics/t1/partitions/0', 'brokers/topics/t1/partitions/0/state', 'brokers/topics/t1/other/0/state', 'brokers', 'admin/delete_topics']),
    {
      '': { role: 'root' },
      controller: { role: 'leader' },
      controller_epoch: { role: 'leader-epoch' },
      'brokers/ids': { role: 'container', holds: 'member' },
      'brokers/ids/1': { role: 'member', id: '1' },
      'brokers/ids/x': { role: 'other' },
      'brokers/topics': { role: 'container', holds: 'partition' },
      'brokers/topics/t1': { role: 'container', holds: 'partition', group: 't1' },
      'brokers/topics/t1/partitions': { role: 'container', holds: 'partition', group: 't1' },
      'brokers/topics/t1/partitions/0': { role: 'container', holds: 'partition', group: 't1/0' },
      'brokers/topics/t1/partitions/0/state': { role: 'partition', topic: 't1', partition: '0' },
      'brokers/topics/t1/other/0/state': { role: 'other' },
      brokers: { role: 'other' },
      'admin/delete_topics': { role: 'other' },
    },
  );
  t.deepEqual(l.decode.leader(F.kafkaController(3), 0), { ok: true, value: { id: '3', since: 1_700_000_000_000 } });
  t.deepEqual(l.leaderEpoch?.decode('17', 2), { ok: true, value: '17' });
  t.deepEqual(l.decode.partition?.(F.kafkaPartitionState(-1), 0), { ok: true, value: { leader: -1, offline: true } });
  t.deepEqual(l.decode.partition?.(F.kafkaPartitionState(2), 0), { ok: true, value: { leader: 2, offline: false } });
  const b = l.decode.member(F.KAFKA_BROKER_V5, 0);
  t.true(b.ok);
  if (b.ok) {
    t.like(b.value, { host: 'broker-1.example.com', startedAt: 1_700_000_000_000 });
    t.like(b.value.meta as object, { rack: 'dc1', port: 9092, version: 5 });
  }
});

test('hbase: master, backup masters and region servers; the binary data decoded from its bytes', (t) => {
  const l = layout('hbase');
  t.deepEqual(classes(l, ['', 'master', 'backup-masters', `backup-masters/${F.HBASE_MASTER_SERVER}`, 'rs', `rs/${F.HBASE_RS_SERVER}`, 'rs/odd', 'draining/x', 'meta-region-server']), {
    '': { role: 'root' },
    master: { role: 'leader' },
    'backup-masters': { role: 'container', holds: 'candidate' },
    [`backup-masters/${F.HBASE_MASTER_SERVER}`]: { role: 'candidate', node: F.HBASE_MASTER_SERVER, seq: 0, id: F.HBASE_MASTER_SERVER },
    rs: { role: 'container', holds: 'member' },
    [`rs/${F.HBASE_RS_SERVER}`]: { role: 'member', id: F.HBASE_RS_SERVER, host: 'rs-3.example.com' },
    'rs/odd': { role: 'member', id: 'odd' },
    'draining/x': { role: 'other' },
    'meta-region-server': { role: 'other' },
  });
  const data = F.HBASE_MASTER_DATA;
  // what the watch layer gives: a lossy text and the exact bytes
  t.deepEqual(l.decode.leader(data.toString('utf8'), data.length, data), { ok: true, value: { id: F.HBASE_MASTER_SERVER, since: null } });
  t.regex((l.decode.leader(data.toString('utf8'), data.length) as { reason: string }).reason, /./, 'without the bytes the lossy text does not decode');
  const rs = l.decode.member(F.HBASE_RS_DATA.toString('utf8'), F.HBASE_RS_DATA.length, F.HBASE_RS_DATA);
  t.true(rs.ok && (rs.value.meta as { version: string }).version === '2.5.10');
});

test('solr: overseer leader, election nodes (id from the name) and live nodes (host from the name)', (t) => {
  const l = layout('solr');
  t.deepEqual(classes(l, ['', 'overseer_elect/leader', 'overseer_elect/election', `overseer_elect/election/${F.SOLR_NODE_LOW}`, 'overseer_elect/election/junk', 'live_nodes', `live_nodes/${F.SOLR_LIVE}`, 'collections/x', 'overseer_elect']), {
    '': { role: 'root' },
    'overseer_elect/leader': { role: 'leader' },
    'overseer_elect/election': { role: 'container', holds: 'candidate' },
    [`overseer_elect/election/${F.SOLR_NODE_LOW}`]: { role: 'candidate', node: F.SOLR_NODE_LOW, seq: 3, id: '127.0.0.1:8983_solr' },
    'overseer_elect/election/junk': { role: 'other' },
    live_nodes: { role: 'container', holds: 'member' },
    [`live_nodes/${F.SOLR_LIVE}`]: { role: 'member', id: F.SOLR_LIVE, host: '127.0.0.1' },
    'collections/x': { role: 'other' },
    overseer_elect: { role: 'other' },
  });
  t.deepEqual(l.decode.leader(F.solrLeader(F.SOLR_NODE_LOW), 0), { ok: true, value: { id: F.SOLR_NODE_LOW, since: null } });
});

test('hdfs-ha and yarn-ha: the ActiveStandbyElectorLock protobuf', (t) => {
  const hdfs = layout('hdfs-ha');
  const yarn = layout('yarn-ha');
  t.deepEqual(classes(hdfs, ['', 'ActiveStandbyElectorLock', 'ActiveBreadCrumb']), {
    '': { role: 'root' },
    ActiveStandbyElectorLock: { role: 'leader' },
    ActiveBreadCrumb: { role: 'other' },
  });
  t.deepEqual(hdfs.watch, { containers: [], leaves: ['ActiveStandbyElectorLock'] });
  t.deepEqual(hdfs.decode.leader(F.HDFS_ACTIVE.toString('utf8'), F.HDFS_ACTIVE.length), { ok: true, value: { id: 'nn1', since: null } }, 'valid UTF-8: the text is the bytes');
  t.deepEqual(yarn.decode.leader(F.YARN_ACTIVE.toString('utf8'), F.YARN_ACTIVE.length), { ok: true, value: { id: 'rm1', since: null } });
  t.regex((yarn.decode.leader(null, 70_000) as { reason: string }).reason, /data too large \(70000 bytes\)/);
});

// Garbage in every role of every layout: tracked at the node's path, counted once, the node still modelled.
const GARBAGE = Buffer.of(0xff, 0x00, 0xfe, 0x7b);
const garbageCases: [string, string, string][] = [
  ['curator-leader-latch', F.LATCH_LOW, 'candidates'],
  ['curator-leader-selector', F.SELECTOR_CHILD, 'candidates'],
  ['curator-service-discovery', 'svc/inst-9', 'workers'],
  ['kazoo-election', F.KAZOO_LOCK_LOW, 'candidates'],
  ['kazoo-party', F.KAZOO_PARTY, 'workers'],
  ['kafka', 'controller', 'master'],
  ['kafka', 'controller_epoch', 'leaderEpoch'],
  ['kafka', 'brokers/ids/1', 'workers'],
  ['kafka', 'brokers/topics/t1/partitions/0/state', 'partitions'],
  ['hbase', 'master', 'master'],
  ['hbase', `backup-masters/${F.HBASE_MASTER_SERVER}`, 'candidates'],
  ['hbase', `rs/${F.HBASE_RS_SERVER}`, 'workers'],
  ['solr', 'overseer_elect/leader', 'master'],
  ['hdfs-ha', 'ActiveStandbyElectorLock', 'master'],
  ['yarn-ha', 'ActiveStandbyElectorLock', 'master'],
];
for (const [name, path, where] of garbageCases) {
  test(`garbage data is counted, not a crash: ${name} ${path}`, (t) => {
    const l = layout(name);
    const { model, events } = foldWith(l, [synced(), added(path, GARBAGE), added(path, GARBAGE, { czxid: 10, mzxid: 11 })]);
    t.is(model.invalidCount, 1, 'counted once while the reason stays the same');
    t.true(model.invalid.has(path), `tracked at ${path}: ${[...model.invalid.keys()].join(', ')}`);
    t.is(events.filter((e) => e.type === 'DataInvalid').length, 1);
    if (where === 'master') t.not(model.master, null, 'the leader node is still modelled');
    if (where === 'workers') t.is(model.workers.size, 1);
    if (where === 'candidates') t.is(model.candidates.size, 1);
    if (where === 'partitions') t.like(model.partitions.get('t1/0'), { leader: null, offline: false });
    if (where === 'leaderEpoch') t.is(model.leaderEpoch, null);
  });
}

test('text decoders read the watch layer text as it is, and agree with the bytes of the same data', (t) => {
  // the hot path of a sync: the data is valid UTF-8, so the watch layer hands over the text and no bytes
  t.like(decodeKafkaBroker(F.KAFKA_BROKER_V5), { ok: true, value: { version: 5, host: 'broker-1.example.com', rack: 'dc1' } });
  t.deepEqual(decodeCuratorParticipantId('participant-1'), { ok: true, value: 'participant-1' });
  const kafka = layout('kafka');
  const text = F.KAFKA_BROKER_V5;
  t.deepEqual(kafka.decode.member(text, Buffer.byteLength(text)), kafka.decode.member(text, Buffer.byteLength(text), Buffer.from(text)));
  t.deepEqual(kafka.decode.leader(F.kafkaController(3), 60), { ok: true, value: { id: '3', since: 1_700_000_000_000 } });
  const latch = layout('curator-leader-latch');
  t.deepEqual(latch.decode.candidate('', 0), { ok: true, value: { id: '' } });
  t.deepEqual(latch.decode.candidate('ü-id', 5), latch.decode.candidate('\ufffd', 5, Buffer.from('ü-id')));
  // bytes that are not UTF-8 still come as bytes, and are still a reason; data above the limit too
  t.like(latch.decode.candidate('\ufffd', 1, Buffer.of(0xff)), { ok: false });
  t.deepEqual(kafka.decode.member(null, 2_000_000), { ok: false, reason: 'data too large (2000000 bytes)' });
});
