/**
 * The sync benchmark's foreign layouts (docs/contract.md §8): a ZooKeeper tree with exactly the bytes the
 * upstream code writes, N members strong.
 * - curator-leader-latch: apache/curator LeaderLatch.java creates `withProtection()` EPHEMERAL_SEQUENTIAL
 *   `<latch>/_c_<uuid>-latch-` (ProtectedUtils: "_c_" + UUID + "-"; ZooKeeper appends the 10-digit sequence),
 *   data = the participant id (LeaderSelector.getIdBytes: UTF-8). One UUID per participant, as each LeaderLatch
 *   has its own CuratorFramework.
 * - kafka: apache/kafka ZkData.scala (1eb7644349cb) BrokerIdZNode.encode, version 5 (IBP >= 2.7), EPHEMERAL
 *   `brokers/ids/<id>`; ControllerZNode.encode (version 2) EPHEMERAL `controller`; ControllerEpochZNode
 *   (`epoch.toString`) PERSISTENT `controller_epoch`, bumped in the controller's multi; the persistent `brokers/topics` KafkaZkClient creates.
 * Ephemeral nodes live as long as the returned writer's session: keep it open through the benchmark.
 */
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { PlainZk } from '../../stack/plain-zk.ts';
import { pipelined } from './cluster-data.ts';

/** The layouts `bench sync --layout` can populate. */
export const BENCH_LAYOUTS = ['curator-leader-latch', 'kafka'] as const;
export type BenchLayout = (typeof BENCH_LAYOUTS)[number];

export function isBenchLayout(name: string): name is BenchLayout {
  return (BENCH_LAYOUTS as readonly string[]).includes(name);
}

/** The participant id a latch member writes (LeaderLatch's `id`; "" is its default, real users set one). */
export function latchParticipantId(i: number): string {
  return `participant-${i}.bench.example.internal:8080`;
}

/**
 * BrokerIdZNode.encode, version 5: a mutable Scala Map, so Jackson writes the keys in the map's hash order
 * (as a broker registration read back from a live Kafka 3.x shows), `timestamp` as a string of milliseconds.
 */
export function kafkaBrokerData(id: number, timestamp = 1_700_000_000_000): string {
  const host = `broker-${id}.bench.example.internal`;
  return (
    `{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://${host}:9092"],` +
    `"jmx_port":-1,"port":9092,"host":"${host}","version":5,"timestamp":"${timestamp}","rack":"rack-${id % 3}"}`
  );
}

/** ControllerZNode.encode since Kafka 3.4 (version 2, kraftControllerEpoch -1 in ZooKeeper mode). */
export function kafkaControllerData(brokerId: number, timestamp = 1_700_000_000_000): string {
  return `{"version":2,"brokerid":${brokerId},"timestamp":"${timestamp}","kraftControllerEpoch":-1}`;
}

function electController(zk: PlainZk, root: string, brokerId: number, epoch: number): Promise<void> {
  return new Promise((resolve, reject) =>
    zk.client
      .transaction()
      .create(`${root}/controller`, Buffer.from(kafkaControllerData(brokerId)), zookeeper.CreateMode.EPHEMERAL)
      .setData(`${root}/controller_epoch`, Buffer.from(String(epoch)), 0)
      .commit((err) => (err ? reject(err) : resolve())),
  );
}

/** The writer whose session owns the ephemeral nodes; close it after the benchmark. */
export interface LayoutWriter {
  close(): Promise<void>;
}

/** Populates `root` with `members` members of `layout`; the ephemeral nodes are the writer's. */
export async function populateLayout(connectString: string, root: string, layout: BenchLayout, members: number): Promise<LayoutWriter> {
  // a session timeout long enough that a busy machine never expires the benchmark's ephemerals
  const zk = await PlainZk.connect(connectString, 30_000);
  try {
    if (layout === 'curator-leader-latch') {
      await zk.mkdirp(root);
      await pipelined(members, (i) => zk.create(`${root}/_c_${randomUUID()}-latch-`, latchParticipantId(i), 'sequential'));
    } else {
      await zk.mkdirp(`${root}/brokers/ids`);
      await zk.mkdirp(`${root}/brokers/topics`);
      await pipelined(members, (i) => zk.create(`${root}/brokers/ids/${i}`, kafkaBrokerData(i), 'ephemeral'));
      // KafkaZkClient creates controller_epoch with the initial epoch 0; registerControllerAndIncrementControllerEpoch
      // then creates the controller and bumps the epoch in one multi (so the epoch's mzxid is the controller's czxid)
      await zk.create(`${root}/controller_epoch`, '0');
      await electController(zk, root, 0, 1);
    }
  } catch (err) {
    await zk.close();
    throw err;
  }
  return { close: () => zk.close() };
}
