/**
 * `zkpulse demo --layout kafka`: Apache Kafka brokers in ZooKeeper mode, in the bytes ZkData.scala writes
 * (stack/upstream-bytes.ts). Each broker is its own session with `R/brokers/ids/<id>` (EPHEMERAL, JSON); the
 * controller is the broker that won the multi that creates `R/controller` and bumps `R/controller_epoch`
 * (KafkaZkClient.registerControllerAndIncrementControllerEpoch). The controller writes the partition states
 * `R/brokers/topics/<t>/partitions/<p>/state`: a partition whose replicas are all down gets leader -1 (its ISR
 * keeps the last member, as the controller's removeReplicasFromIsr does), and a leader again when one returns.
 * Topic `events` has 2 replicas a partition, `audit` 1, so a broker's crash takes `audit` partitions offline.
 */
import { joinPath } from '../contract/paths.ts';
import { PlainZk } from '../stack/plain-zk.ts';
import { kafkaBroker, kafkaControllerElection, kafkaControllerEpoch, kafkaPartitionState, kafkaTopic } from '../stack/upstream-bytes.ts';
import type { ForeignClusterOptions, ForeignProcess, ForeignProgram } from './foreign-cluster.ts';

class Broker implements ForeignProcess {
  readonly id: string;
  private constructor(
    readonly brokerId: number,
    readonly zk: PlainZk,
  ) {
    this.id = String(brokerId);
  }

  static async start(opts: ForeignClusterOptions, brokerId: number): Promise<Broker> {
    const zk = await PlainZk.connect(opts.connectString, opts.sessionTimeoutMs ?? 4000);
    try {
      await zk.create(joinPath(opts.root, `brokers/ids/${brokerId}`), kafkaBroker(`broker-${brokerId}.demo.local`, 9092, Date.now()), 'ephemeral');
      return new Broker(brokerId, zk);
    } catch (err) {
      await zk.close();
      throw err;
    }
  }

  kill(): Promise<void> {
    return this.zk.close();
  }

  /** a controlled shutdown ends with the session (the registration and a controller node go with it) */
  leave(): Promise<void> {
    return this.zk.close();
  }

  onExpired(fn: () => void): void {
    this.zk.onExpired(fn);
  }
}

interface PartitionState {
  topic: string;
  partition: number;
  replicas: number[];
  leader: number;
  isr: number[];
  leaderEpoch: number;
}

const TOPICS: ReadonlyArray<{ name: string; replicas: number }> = [
  { name: 'events', replicas: 2 },
  { name: 'audit', replicas: 1 },
];

export function kafkaProgram(opts: ForeignClusterOptions): ForeignProgram<Broker> {
  const R = opts.root;
  const brokerIds = Array.from({ length: opts.members }, (_, i) => i + 1);
  // one partition a broker per topic; replicas round the ring from it
  const partitions: PartitionState[] = TOPICS.flatMap((t) =>
    brokerIds.map((b, p) => {
      const replicas = Array.from({ length: Math.min(t.replicas, brokerIds.length) }, (_, k) => brokerIds[(p + k) % brokerIds.length]!);
      return { topic: t.name, partition: p, replicas, leader: replicas[0]!, isr: [...replicas], leaderEpoch: 0 };
    }),
  );
  const statePath = (s: PartitionState) => joinPath(R, `brokers/topics/${s.topic}/partitions/${s.partition}/state`);
  let admin: PlainZk | null = null;
  let epoch = 0;
  let controller: number | null = null;

  return {
    ids: brokerIds.map(String),
    async setup() {
      admin = await PlainZk.connect(opts.connectString, opts.sessionTimeoutMs ?? 4000);
      await admin.mkdirp(joinPath(R, 'brokers/ids'));
      for (const t of TOPICS) {
        const mine = partitions.filter((s) => s.topic === t.name);
        await admin.mkdirp(joinPath(R, `brokers/topics/${t.name}`));
        await admin.set(joinPath(R, `brokers/topics/${t.name}`), kafkaTopic(Object.fromEntries(mine.map((s) => [String(s.partition), s.replicas]))));
        for (const s of mine) {
          await admin.mkdirp(joinPath(R, `brokers/topics/${t.name}/partitions/${s.partition}`));
          await admin.create(statePath(s), kafkaPartitionState(s.leader, s.isr, s.leaderEpoch, 0));
        }
      }
      // createControllerEpochRaw(InitialControllerEpoch)
      await admin.create(joinPath(R, 'controller_epoch'), kafkaControllerEpoch(0));
    },
    start: (id) => Broker.start(opts, Number(id)),
    leader: (up) => (controller === null ? undefined : up.get(String(controller))),
    async react(up) {
      // the controller election: the first live broker to create R/controller wins (here the lowest id)
      if (controller === null || !up.has(String(controller))) {
        controller = null;
        const winner = [...up.values()].sort((a, b) => a.brokerId - b.brokerId)[0];
        if (winner === undefined) return;
        await winner.zk.multi(kafkaControllerElection(R, winner.brokerId, epoch + 1, Date.now()));
        epoch += 1;
        controller = winner.brokerId;
      }
      const writer = up.get(String(controller))!;
      const live = new Set([...up.values()].map((b) => b.brokerId));
      for (const s of partitions) {
        const inSync = s.replicas.filter((r) => live.has(r));
        const leader = live.has(s.leader) ? s.leader : (inSync[0] ?? -1);
        // with no replica left the ISR keeps its last member (removeReplicasFromIsr)
        const isr = inSync.length > 0 ? inSync : s.isr.slice(0, 1);
        if (leader === s.leader && isr.join() === s.isr.join()) continue;
        if (leader !== s.leader) s.leaderEpoch += 1;
        s.leader = leader;
        s.isr = isr;
        await writer.zk.set(statePath(s), kafkaPartitionState(s.leader, s.isr, s.leaderEpoch, epoch));
      }
    },
    async close() {
      await admin?.close();
    },
  };
}
