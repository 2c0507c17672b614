/**
 * The built-in layouts against a real ZooKeeper, one test per family: a plain client (stack/plain-zk.ts)
 * writes the znodes in exactly the bytes the upstream program writes (test/support/layout-fixtures.ts cites
 * each source), and the collector's watch layer (ClusterWatch with that layout) and model (reduceCluster)
 * must show the leader, candidates, members and partitions, and the changes, that the program would see.
 * Real Curator and kazoo processes run in real-recipes.test.ts; Kafka, HBase, Solr and Hadoop have no server
 * here, so their bytes are written by hand.
 */
import test, { type ExecutionContext } from 'ava';
import { BehaviorSubject } from 'rxjs';
import { layoutNamed, type Layout } from '../../contract/index.ts';
import { ZkSession } from '../../zk/session.ts';
import { ClusterWatch } from '../../collector/watch/cluster-watch.ts';
import { emptyCluster, reduceCluster } from '../../collector/model/reducer.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { awaitEvent } from '../support/await-event.ts';
import * as F from '../support/layout-fixtures.ts';

/** a change must reach the model within a few watch round trips; generous for a busy machine */
const WITHIN_MS = 20_000;

interface Watched {
  models$: BehaviorSubject<ClusterModel>;
  events: DomainEvent[];
  seen: WatchEvent[];
  until(match: (m: ClusterModel) => boolean, what: string): Promise<ClusterModel>;
}

async function watchWith(t: ExecutionContext, connectString: string, root: string, layout: Layout): Promise<Watched> {
  const session = new ZkSession({ connectString, sessionTimeout: 10_000, probeIntervalMs: 500, probeTimeoutMs: 1000, now: Date.now });
  const watch = new ClusterWatch({ session, clusters: [{ name: 'c', root, layout }], maxDataBytes: 65_536, now: Date.now });
  const models$ = new BehaviorSubject(emptyCluster('c', root, layout));
  const events: DomainEvent[] = [];
  const seen: WatchEvent[] = [];
  watch.events$.subscribe((e) => {
    seen.push(e);
    const r = reduceCluster(models$.value, e, Date.now(), layout);
    events.push(...r.events);
    models$.next(r.model);
  });
  t.teardown(() => watch.stop());
  watch.start();
  await watch.whenSynced();
  return { models$, events, seen, until: (match, what) => awaitEvent(models$, match, WITHIN_MS, what) };
}

const layout = (name: string): Layout => layoutNamed(name)!;
const lastName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

test('curator-leader-latch: the lowest sequence leads, whatever its UUID; the leader leaving hands over', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const a = await PlainZk.connect(zkAddr);
  const b = await PlainZk.connect(zkAddr);
  t.teardown(() => Promise.all([a.close(), b.close()]).then(() => undefined));
  await a.mkdirp(root);
  // LeaderLatch: create().creatingParentContainersIfNeeded().withProtection().withMode(EPHEMERAL_SEQUENTIAL)
  //   .forPath(ZKPaths.makePath(latchPath, "latch-"), LeaderSelector.getIdBytes(id))
  // The first UUID sorts last by name, so name order and sequence order disagree.
  const first = await a.create(`${root}/_c_ffffffff-d102-48cc-b4d2-06642d2a0b4e-latch-`, 'node-a', 'sequential');
  const second = await b.create(`${root}/_c_00000000-d9fa-4670-9492-1dffa64d8c0b-latch-`, 'node-b', 'sequential');
  t.true(lastName(second) < lastName(first), 'the later node sorts first by name');
  const w = await watchWith(t, zkAddr, root, layout('curator-leader-latch'));
  let m = await w.until((x) => x.master !== null && x.workers.size === 2, 'the leader and two members');
  t.like(m.master, { id: 'node-a', node: lastName(first) });
  const stat = await a.exists(first);
  t.is(m.master!.epoch, stat!.czxid.readBigInt64BE(0).toString(), 'the epoch is the leader node’s czxid');

  await a.close(); // the leader's process dies: its session closes, its ephemeral node goes
  m = await w.until((x) => x.master?.id === 'node-b', 'the hand-over to node-b');
  t.false(m.workers.get(lastName(first))!.up);
  const changes = w.events.filter((e) => e.type === 'MasterElected' || e.type === 'MasterLost').map((e) => `${e.type} ${e.id}`);
  t.deepEqual(changes, ['MasterElected node-a', 'MasterLost node-a', 'MasterElected node-b']);
});

test('kazoo-election and kazoo-party: the lock holder leads; Party and ShallowParty members come and go', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.mkdirp(`${root}/election`);
  await zk.mkdirp(`${root}/party`);
  // lock.py: self.prefix = uuid.uuid4().hex + "__lock__"; create(path + "/" + prefix, data, ephemeral=True, sequence=True)
  const leader = await zk.create(`${root}/election/ffffa7baa2345f89e5d735a3f4936450__lock__`, 'e1', 'sequential');
  await zk.create(`${root}/election/0000a7baa2345f89e5d735a3f4936450__lock__`, 'e2', 'sequential');
  const election = await watchWith(t, zkAddr, `${root}/election`, layout('kazoo-election'));
  await election.until((x) => x.master?.id === 'e1' && x.candidates.size === 2, 'e1 leading two candidates');

  // party.py: Party node = uuid4().hex + "__party__" (ephemeral, data = identifier); ShallowParty "<hex>-<id>"
  await zk.create(`${root}/party/${F.KAZOO_PARTY}`, 'p1', 'ephemeral');
  await zk.create(`${root}/party/${F.KAZOO_SHALLOW}`, 'worker-7', 'ephemeral');
  const party = await watchWith(t, zkAddr, `${root}/party`, layout('kazoo-party'));
  const m = await party.until((x) => x.workers.size === 2, 'two party members');
  t.like(m.workers.get(F.KAZOO_PARTY), { up: true });
  t.true(m.workers.get('worker-7')?.up);

  await zk.remove(leader);
  await election.until((x) => x.master?.id === 'e2', 'e2 leading');
  await zk.remove(`${root}/party/${F.KAZOO_SHALLOW}`);
  await party.until((x) => x.workers.get('worker-7')?.up === false, 'worker-7 gone');
  t.deepEqual(
    party.events.filter((e) => e.type === 'WorkerLeft').map((e) => (e.type === 'WorkerLeft' ? [e.worker, e.reason] : [])),
    [['worker-7', 'crash']],
  );
});

test('kafka: controller, controller epoch, brokers and an offline partition, from ZkData.scala bytes', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.mkdirp(`${root}/brokers/ids`);
  await zk.mkdirp(`${root}/brokers/topics/orders/partitions/0`);
  await zk.mkdirp(`${root}/brokers/topics/orders/partitions/1`);
  await zk.create(`${root}/controller_epoch`, '4', 'persistent');
  await zk.create(`${root}/brokers/ids/1`, F.KAFKA_BROKER_V5, 'ephemeral');
  await zk.create(`${root}/controller`, F.kafkaController(1), 'ephemeral');
  await zk.create(`${root}/brokers/topics/orders/partitions/0/state`, F.kafkaPartitionState(1), 'persistent');
  await zk.create(`${root}/brokers/topics/orders/partitions/1/state`, F.kafkaPartitionState(-1), 'persistent');
  const w = await watchWith(t, zkAddr, root, layout('kafka'));
  const m = await w.until((x) => x.master !== null && x.partitions.size === 2 && x.workers.size === 1, 'controller, broker, partitions');
  t.like(m.master, { id: '1', epoch: '4' });
  t.like(m.workers.get('1'), { host: 'broker-1.example.com', up: true });
  t.like(m.partitions.get('orders/1'), { leader: -1, offline: true });
  t.like(m.partitions.get('orders/0'), { leader: 1, offline: false });
  const controllerEvent = w.seen.find((e) => e.kind === 'added' && e.path === 'controller');
  t.false(controllerEvent === undefined || 'dataBase64' in controllerEvent, 'UTF-8 data carries no second copy');

  // a partition gets a leader; the broker goes
  await zk.set(`${root}/brokers/topics/orders/partitions/1/state`, F.kafkaPartitionState(1));
  await w.until((x) => x.partitions.get('orders/1')?.offline === false, 'partition 1 online');
  await zk.remove(`${root}/brokers/ids/1`);
  await w.until((x) => x.workers.get('1')?.up === false, 'broker 1 gone');
});

test('hbase: the binary PBUF master, a backup master and a region server reach the model intact', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.mkdirp(`${root}/backup-masters`);
  await zk.mkdirp(`${root}/rs`);
  await zk.create(`${root}/master`, F.HBASE_MASTER_DATA, 'ephemeral');
  await zk.create(`${root}/rs/${F.HBASE_RS_SERVER}`, F.HBASE_RS_DATA, 'ephemeral');
  const w = await watchWith(t, zkAddr, root, layout('hbase'));
  const m = await w.until((x) => x.master !== null && x.workers.size === 1, 'master and region server');
  t.like(m.master, { id: F.HBASE_MASTER_SERVER, invalid: null });
  t.like(m.workers.get(F.HBASE_RS_SERVER), { host: 'rs-3.example.com', invalid: null });
  t.is(m.invalidCount, 0);
  const masterEvent = w.seen.find((e) => e.kind === 'added' && e.path === 'master');
  t.is(masterEvent?.kind === 'added' ? masterEvent.dataBase64 : undefined, F.HBASE_MASTER_DATA.toString('base64'), 'the exact bytes, base64');

  // the active master also registered as a backup: the split brain HBase can show
  await zk.create(`${root}/backup-masters/${F.HBASE_MASTER_SERVER}`, F.HBASE_MASTER_DATA, 'ephemeral');
  const split = await w.until((x) => x.candidates.has(F.HBASE_MASTER_SERVER), 'the backup-masters node');
  t.is(split.splitBrainCheck, 'leader-not-a-candidate');
});

test('solr and hdfs-ha/yarn-ha: overseer leader, election and live nodes; the ActiveStandbyElectorLock protobuf', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await PlainZk.connect(zkAddr);
  t.teardown(() => zk.close());
  await zk.mkdirp(`${root}/solr/overseer_elect/election`);
  await zk.mkdirp(`${root}/solr/live_nodes`);
  // LeaderElector.joinElection: create(electionPath + "/election/" + sessionId + "-" + nodeName + "-n_", null, EPHEMERAL_SEQUENTIAL)
  const low = await zk.create(`${root}/solr/overseer_elect/election/72057594037927936-127.0.0.1:8983_solr-n_`, null, 'sequential');
  await zk.create(`${root}/solr/overseer_elect/election/72057594037927937-127.0.0.1:7574_solr-n_`, null, 'sequential');
  await zk.create(`${root}/solr/overseer_elect/leader`, F.solrLeader(lastName(low)), 'ephemeral');
  await zk.create(`${root}/solr/live_nodes/${F.SOLR_LIVE}`, null, 'ephemeral');
  const solr = await watchWith(t, zkAddr, `${root}/solr`, layout('solr'));
  const m = await solr.until((x) => x.master !== null && x.candidates.size === 2 && x.workers.size === 1, 'overseer, candidates, live node');
  t.is(m.master!.id, lastName(low));
  t.like(m.candidates.get(lastName(low)), { id: '127.0.0.1:8983_solr' });
  t.like(m.workers.get(F.SOLR_LIVE), { host: '127.0.0.1' });

  await zk.mkdirp(`${root}/hadoop-ha/mycluster`);
  await zk.mkdirp(`${root}/yarn-leader-election/yarn-cluster`);
  // ActiveStandbyElector.createLockNodeAsync: create(znodeWorkingDir + "/" + LOCK_FILENAME, appData, acl, EPHEMERAL)
  await zk.create(`${root}/hadoop-ha/mycluster/ActiveStandbyElectorLock`, F.HDFS_ACTIVE, 'ephemeral');
  const hdfs = await watchWith(t, zkAddr, `${root}/hadoop-ha/mycluster`, layout('hdfs-ha'));
  t.like((await hdfs.until((x) => x.master !== null, 'the active NameNode')).master, { id: 'nn1', invalid: null });
  const yarn = await watchWith(t, zkAddr, `${root}/yarn-leader-election/yarn-cluster`, layout('yarn-ha'));
  await zk.create(`${root}/yarn-leader-election/yarn-cluster/ActiveStandbyElectorLock`, F.YARN_ACTIVE, 'ephemeral');
  t.like((await yarn.until((x) => x.master !== null, 'the active ResourceManager')).master, { id: 'rm1', invalid: null });
  await zk.remove(`${root}/yarn-leader-election/yarn-cluster/ActiveStandbyElectorLock`);
  await yarn.until((x) => x.master === null, 'no active ResourceManager');
});
