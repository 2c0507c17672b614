/**
 * `kafka` (docs/contract.md §8): Apache Kafka in ZooKeeper mode under its chroot. Leader `R/controller`
 * (JSON, `brokerid`), its epoch `R/controller_epoch` (decimal text), members `R/brokers/ids/<id>` (JSON
 * registrations), partitions `R/brokers/topics/<t>/partitions/<p>/state` (JSON; leader -1 = offline).
 * Follows apache/kafka core/src/main/scala/kafka/zk/ZkData.scala at 1eb7644349cb (the last ZooKeeper-mode
 * trunk, 2024-10), as read in contract/layouts/kafka.ts.
 */
import type { Decoded, Layout, LeaderData, MemberData, NodeClass, PartitionData } from '../layout.ts';
import {
  decodeKafkaBroker,
  decodeKafkaController,
  decodeKafkaControllerEpoch,
  decodeKafkaPartitionState,
  parseKafkaBrokerId,
} from '../layouts/kafka.ts';
import { decodeText, layoutPaths, memberData, NO_BEAT_NO_TASKS, NO_CANDIDATE, NO_STATUS, NO_TASK, partsOf } from './common.ts';

const CONTROLLER = 'controller';
const CONTROLLER_EPOCH = 'controller_epoch';
const BROKER_IDS = 'brokers/ids';
const TOPICS = 'brokers/topics';
const BROKER_PREFIX = `${BROKER_IDS}/`;

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };
const LEADER: NodeClass = { role: 'leader' };
const EPOCH: NodeClass = { role: 'leader-epoch' };
const BROKERS: NodeClass = { role: 'container', holds: 'member' };
const ALL_TOPICS: NodeClass = { role: 'container', holds: 'partition' };

function classify(rel: string): NodeClass {
  if (rel.startsWith(BROKER_PREFIX) && rel.indexOf('/', BROKER_PREFIX.length) === -1) {
    const id = rel.slice(BROKER_PREFIX.length);
    return parseKafkaBrokerId(id).ok ? { role: 'member', id } : OTHER;
  }
  if (rel === CONTROLLER) return LEADER;
  if (rel === CONTROLLER_EPOCH) return EPOCH;
  if (rel === '') return ROOT;
  if (rel === BROKER_IDS) return BROKERS;
  const parts = partsOf(rel);
  if (parts === null || parts[0] !== 'brokers' || parts[1] !== 'topics') return OTHER;
  const [, , topic, partitions, partition, state] = parts;
  switch (parts.length) {
    case 2:
      return ALL_TOPICS;
    case 3:
      return { role: 'container', holds: 'partition', group: topic! };
    case 4:
      return partitions === 'partitions' ? { role: 'container', holds: 'partition', group: topic! } : OTHER;
    case 5:
      return partitions === 'partitions' ? { role: 'container', holds: 'partition', group: `${topic!}/${partition!}` } : OTHER;
    case 6:
      return partitions === 'partitions' && state === 'state' ? { role: 'partition', topic: topic!, partition: partition! } : OTHER;
    default:
      return OTHER;
  }
}

const leader = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<LeaderData> =>
  decodeText(data, dataLength, bytes, decodeKafkaController, (c) => ({ id: String(c.brokerId), since: c.timestamp }));

const member = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<MemberData> =>
  decodeText(data, dataLength, bytes, decodeKafkaBroker, (b) =>
    memberData({
      host: b.host ?? b.endpoints[0]?.host ?? null,
      startedAt: b.timestamp,
      meta: { version: b.version, port: b.port, endpoints: b.endpoints, rack: b.rack, jmxPort: b.jmxPort },
    }),
  );

const partition = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<PartitionData> =>
  decodeText(data, dataLength, bytes, decodeKafkaPartitionState, (p) => ({ leader: p.leader, offline: p.offline }));

export const kafkaLayout: Layout = {
  name: 'kafka',
  watch: {
    containers: [
      { path: BROKER_IDS, depth: 1 },
      // brokers/topics/<t>/partitions/<p>/state: the state nodes are 4 levels down
      { path: TOPICS, depth: 4 },
    ],
    leaves: [CONTROLLER, CONTROLLER_EPOCH],
  },
  classify,
  paths: {
    ...layoutPaths({ leader: CONTROLLER, member: (id) => `${BROKER_IDS}/${id}` }),
    partition: (topic, partition) => `${TOPICS}/${topic}/partitions/${partition}/state`,
  },
  decode: { leader, candidate: NO_CANDIDATE, member, status: NO_STATUS, task: NO_TASK, partition },
  capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: false, partitions: true },
  leaderRule: 'node',
  leaderEpoch: {
    path: CONTROLLER_EPOCH,
    decode: (data, dataLength, bytes) => decodeText(data, dataLength, bytes, decodeKafkaControllerEpoch, String),
  },
};
