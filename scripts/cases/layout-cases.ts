/**
 * Golden cases of the built-in foreign layouts (docs/contract.md §8): each scenario plays the upstream
 * program's znodes with plain clients, in the bytes its code writes (stack/upstream-bytes.ts, which cites the
 * sources), against the real ZooKeeper of `npm run record-case`. One session per process: a process killed is
 * its session closed, so ZooKeeper removes its ephemeral nodes as it would for a crashed JVM or Python process.
 */
import type { PlainZk } from '../../stack/plain-zk.ts';
import {
  curatorLatchPrefix,
  curatorSelectorPrefix,
  curatorServiceInstance,
  hdfsActiveNodeInfo,
  kazooElectionPrefix,
  yarnActiveRmInfo,
  hbaseMaster,
  hbaseRegionServer,
  hbaseServerName,
  kafkaBroker,
  kafkaControllerElection,
  kafkaControllerEpoch,
  kafkaPartitionState,
  kafkaTopic,
  kazooPartyName,
  solrElectionPrefix,
  solrOverseerLeader,
  type HBaseServer,
} from '../../stack/upstream-bytes.ts';
import { sleep, type CaseContext, type RecordedCase } from './kit.ts';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

let p: Record<string, PlainZk> = {};
let names: Record<string, string> = {};

/** A LeaderLatch participant: its own session, `_c_<uuid>-latch-<seq>` with the participant id as data. */
async function latchParticipant(ctx: CaseContext, id: string): Promise<PlainZk> {
  const zk = await ctx.session();
  await zk.create(`${ctx.root}/${curatorLatchPrefix()}`, id, 'sequential');
  return zk;
}

/** A sequence-election contender (Curator LeaderSelector, kazoo Election): its own session, an EPHEMERAL_SEQUENTIAL node, data = its id. */
async function contender(ctx: CaseContext, prefix: string, id: string): Promise<PlainZk> {
  const zk = await ctx.session();
  await zk.create(`${ctx.root}/${prefix}`, id, 'sequential');
  return zk;
}

/** The leader changes 3 times within 4 s as the lowest contender is killed each time (MasterFlapping). */
function flappingElection(layout: string, prefix: () => string, recipe: string): RecordedCase {
  return {
    promise: `${recipe}: 4 contenders; the leader is killed 3 times within 4 s → each time the next lowest sequence leads → MasterFlapping fires, resolves once the window passes; MasterMissing never fires (a candidate is always there)`,
    layout,
    config: { alerts: { defaults: { MasterMissing: { for: '1s' }, MasterFlapping: { changes: 3, window: '4s' } } } },
    async setup(ctx) {
      p = {};
      for (const id of ['c1', 'c2', 'c3', 'c4']) p[id] = await contender(ctx, prefix(), id);
    },
    async run() {
      await sleep(1000);
      for (const id of ['c1', 'c2', 'c3']) {
        await p[id]!.close();
        await sleep(400);
      }
      await sleep(5500);
    },
  };
}

/** ActiveStandbyElector: the active node's lock (EPHEMERAL) is lost; after a gap the standby takes it. */
function haFailover(layout: string, data: (id: string) => Buffer, system: string): RecordedCase {
  return {
    promise: `${system} HA: the active's session dies → ActiveStandbyElectorLock gone → MasterMissing (1 s) fires; the standby creates the lock 2.5 s later → resolves`,
    layout,
    config: { alerts: { defaults: { MasterMissing: { for: '1s' } } } },
    async setup(ctx, admin) {
      await admin.create(`${ctx.root}/ActiveBreadCrumb`, data('a'));
      p = { a: await ctx.session() };
      await p.a!.create(`${ctx.root}/ActiveStandbyElectorLock`, data('a'), 'ephemeral');
    },
    async run(ctx) {
      await sleep(1000);
      await p.a!.close();
      await sleep(2500);
      p.b = await ctx.session();
      await p.b.create(`${ctx.root}/ActiveStandbyElectorLock`, data('b'), 'ephemeral');
      await sleep(1500);
    },
  };
}

/**
 * KafkaZkClient.registerControllerAndIncrementControllerEpoch: one multi that creates `R/controller`
 * (EPHEMERAL, the broker's session) and sets `R/controller_epoch` to the next epoch, conditional on its version.
 */
function electController(zk: PlainZk, root: string, brokerId: number, epoch: number): Promise<void> {
  return zk.multi(kafkaControllerElection(root, brokerId, epoch));
}

const partitionState = (root: string, partition: number): string => `${root}/brokers/topics/orders/partitions/${partition}/state`;

const HB: Record<string, HBaseServer> = {
  m1: { host: 'hbase-master-1.example.com', port: 16000, startCode: 1_700_000_000_123 },
  m2: { host: 'hbase-master-2.example.com', port: 16000, startCode: 1_700_000_000_789 },
  rs1: { host: 'rs-1.example.com', port: 16020, startCode: 1_700_000_000_456 },
  rs2: { host: 'rs-2.example.com', port: 16020, startCode: 1_700_000_000_457 },
};

export const LAYOUT_CASES: Record<string, RecordedCase> = {
  'curator-leader-latch': {
    promise:
      'LeaderLatch: the only participant killed → MasterMissing (1 s) fires, resolves when p2 joins and leads; then 3 leaders killed within 4 s → MasterFlapping fires, resolves once the window passes',
    layout: 'curator-leader-latch',
    config: { alerts: { defaults: { MasterMissing: { for: '1s' }, MasterFlapping: { changes: 3, window: '4s' } } } },
    async setup(ctx) {
      p = { p1: await latchParticipant(ctx, 'p1') };
    },
    async run(ctx) {
      await sleep(1000);
      await p.p1!.close();
      await sleep(2500);
      p.p2 = await latchParticipant(ctx, 'p2');
      // the election of p2 leaves the flapping window before the flapping starts
      await sleep(4500);
      for (const id of ['p3', 'p4', 'p5']) p[id] = await latchParticipant(ctx, id);
      for (const id of ['p2', 'p3', 'p4']) {
        await p[id]!.close();
        await sleep(400);
      }
      await sleep(5500);
    },
  },

  'kazoo-party': {
    promise: 'kazoo Party: member worker-b\'s process killed → WorkerLost for its node fires, resolves after resolveAfter (3 s); the ShallowParty member stays',
    layout: 'kazoo-party',
    config: { alerts: { defaults: { WorkerLost: { resolveAfter: '3s' } } } },
    async setup(ctx) {
      p = {};
      names = {};
      for (const id of ['worker-a', 'worker-b']) {
        p[id] = await ctx.session();
        names[id] = baseName(await p[id]!.create(`${ctx.root}/${kazooPartyName()}`, id, 'ephemeral'));
      }
      // ShallowParty: the identifier is in the name ("<hex>-<identifier>") and the data
      p.shallow = await ctx.session();
      await p.shallow.create(`${ctx.root}/${kazooPartyName().slice(0, 32)}-worker-c`, 'worker-c', 'ephemeral');
    },
    async run() {
      await sleep(1000);
      await p['worker-b']!.close();
      await sleep(4000);
    },
  },

  kafka: {
    promise:
      'Kafka: broker 3 killed → WorkerLost/3, and its only partition orders/1 goes to leader -1 → KafkaOfflinePartitions; /controller deleted twice → two controller changes with controller_epoch 2 and 3 → MasterFlapping; broker 3 back → partition online, all resolve',
    layout: 'kafka',
    config: {
      alerts: { defaults: { WorkerLost: { resolveAfter: '3s' }, KafkaOfflinePartitions: { for: '1s' }, MasterFlapping: { changes: 2, window: '5s' } } },
    },
    async setup(ctx, admin) {
      const R = ctx.root;
      await admin.mkdirp(`${R}/brokers/ids`);
      await admin.create(`${R}/brokers/topics`, null);
      await admin.create(`${R}/brokers/topics/orders`, kafkaTopic({ 0: [1, 2], 1: [3] }));
      await admin.create(`${R}/brokers/topics/orders/partitions`, null);
      for (const n of [0, 1]) await admin.create(`${R}/brokers/topics/orders/partitions/${n}`, null);
      await admin.create(partitionState(R, 0), kafkaPartitionState(1, [1, 2], 0, 1));
      await admin.create(partitionState(R, 1), kafkaPartitionState(3, [3], 0, 1));
      p = {};
      for (const id of [1, 2, 3]) {
        p[id] = await ctx.session();
        await p[id]!.create(`${R}/brokers/ids/${id}`, kafkaBroker(`broker-${id}.example.com`), 'ephemeral');
      }
      // the first controller: createControllerEpochRaw(InitialControllerEpoch = 0), then the multi to epoch 1
      await admin.create(`${R}/controller_epoch`, kafkaControllerEpoch(0));
      await electController(p[1]!, R, 1, 1);
    },
    async run(ctx, admin) {
      const R = ctx.root;
      await sleep(1000);
      // broker 3 dies; the controller (broker 1) marks its partition offline: leader -1, the ISR keeps its last member
      await p[3]!.close();
      await p[1]!.set(partitionState(R, 1), kafkaPartitionState(-1, [3], 1, 1));
      await sleep(2000);
      // an operator forces a controller move (`zookeeper-shell delete /controller`), twice
      await admin.remove(`${R}/controller`);
      await electController(p[2]!, R, 2, 2);
      await sleep(1000);
      await admin.remove(`${R}/controller`);
      await electController(p[1]!, R, 1, 3);
      await sleep(1500);
      // broker 3 comes back: the controller (broker 1, epoch 3) gives it its partition again
      p[3] = await ctx.session();
      await p[3].create(`${R}/brokers/ids/3`, kafkaBroker('broker-3.example.com', 9092, 1_700_000_100_000), 'ephemeral');
      await p[1]!.set(partitionState(R, 1), kafkaPartitionState(3, [3], 2, 3));
      await sleep(5500);
    },
  },

  hbase: {
    promise:
      'HBase (binary PBUF data): region server rs-2 killed → WorkerLost fires, resolves after 3 s; the active master killed, the backup takes over but its backup-masters node stays → SplitBrain (1 s) fires, resolves when it deletes it',
    layout: 'hbase',
    config: { alerts: { defaults: { WorkerLost: { resolveAfter: '3s' }, SplitBrain: { for: '1s' } } } },
    async setup(ctx, admin) {
      const R = ctx.root;
      await admin.mkdirp(`${R}/backup-masters`);
      await admin.mkdirp(`${R}/rs`);
      p = {};
      for (const [id, pid] of [['rs1', '201'], ['rs2', '202']] as const) {
        p[id] = await ctx.session();
        await p[id]!.create(`${R}/rs/${hbaseServerName(HB[id]!)}`, hbaseRegionServer(16030, '2.5.10', `${pid}@${HB[id]!.host}`), 'ephemeral');
      }
      p.m1 = await ctx.session();
      await p.m1.create(`${R}/master`, hbaseMaster(HB.m1!, 16010, `101@${HB.m1!.host}`), 'ephemeral');
      p.m2 = await ctx.session();
      await p.m2.create(`${R}/backup-masters/${hbaseServerName(HB.m2!)}`, hbaseMaster(HB.m2!, 16010, `102@${HB.m2!.host}`), 'ephemeral');
    },
    async run(ctx) {
      const R = ctx.root;
      await sleep(1000);
      await p.rs2!.close();
      await sleep(1500);
      await p.m1!.close();
      // ActiveMasterManager: the backup writes R/master, then deletes its backup-masters node; held open here
      await p.m2!.create(`${R}/master`, hbaseMaster(HB.m2!, 16010, `102@${HB.m2!.host}`), 'ephemeral');
      await sleep(2500);
      await p.m2!.remove(`${R}/backup-masters/${hbaseServerName(HB.m2!)}`);
      await sleep(2000);
    },
  },

  solr: {
    promise:
      'Solr: the Overseer n1 cancels its election node while its overseer_elect/leader stays → the leader is not the lowest candidate → SplitBrain (1 s) fires, resolves when n2 (now lowest) takes the leader node',
    layout: 'solr',
    config: { alerts: { defaults: { SplitBrain: { for: '1s' } } } },
    async setup(ctx, admin) {
      const R = ctx.root;
      await admin.mkdirp(`${R}/overseer_elect/election`);
      await admin.mkdirp(`${R}/live_nodes`);
      p = {};
      names = {};
      for (const [id, node] of [['n1', '127.0.0.1:8983_solr'], ['n2', '127.0.0.1:7574_solr']] as const) {
        const zk = await ctx.session();
        p[id] = zk;
        await zk.create(`${R}/live_nodes/${node}`, null, 'ephemeral');
        names[id] = baseName(await zk.create(`${R}/overseer_elect/election/${solrElectionPrefix(zk.sessionId(), node)}`, null, 'sequential'));
      }
      await p.n1!.create(`${R}/overseer_elect/leader`, solrOverseerLeader(names.n1!), 'ephemeral');
    },
    async run(ctx) {
      const R = ctx.root;
      await sleep(1000);
      // LeaderElector.cancelElection deletes the election node; the leader node goes only later (held open here)
      await p.n1!.remove(`${R}/overseer_elect/election/${names.n1!}`);
      await sleep(2500);
      await p.n1!.remove(`${R}/overseer_elect/leader`);
      await p.n2!.create(`${R}/overseer_elect/leader`, solrOverseerLeader(names.n2!), 'ephemeral');
      await sleep(1500);
    },
  },

  'curator-leader-selector': flappingElection('curator-leader-selector', curatorSelectorPrefix, 'Curator LeaderSelector'),
  'kazoo-election': flappingElection('kazoo-election', kazooElectionPrefix, 'kazoo Election'),

  'curator-service-discovery': {
    promise: 'Curator ServiceDiscovery: instance search/i-2 killed → WorkerLost for it fires, resolves after 3 s; search/i-1 and the other service stay',
    layout: 'curator-service-discovery',
    config: { alerts: { defaults: { WorkerLost: { resolveAfter: '3s' } } } },
    async setup(ctx, admin) {
      p = {};
      for (const [service, id, port] of [['search', 'i-1', 8080], ['search', 'i-2', 8081], ['billing', 'b-1', 9090]] as const) {
        await admin.mkdirp(`${ctx.root}/${service}`);
        p[id] = await ctx.session();
        await p[id]!.create(`${ctx.root}/${service}/${id}`, curatorServiceInstance(service, id, '10.0.0.7', port, 1_700_000_000_000), 'ephemeral');
      }
    },
    async run() {
      await sleep(1000);
      await p['i-2']!.close();
      await sleep(4000);
    },
  },

  'hdfs-ha': haFailover('hdfs-ha', (id) => hdfsActiveNodeInfo('mycluster', `nn-${id}`, `nn-${id}.example.com`, 8020, 8019), 'HDFS'),
  'yarn-ha': haFailover('yarn-ha', (id) => yarnActiveRmInfo('yarn-cluster', `rm-${id}`), 'YARN'),
};
