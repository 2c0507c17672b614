/**
 * Kafka in ZooKeeper mode: brokers, controller, controller epoch, partition state.
 *
 * Upstream read: apache/kafka core/src/main/scala/kafka/zk/ZkData.scala at 1eb7644349cb (trunk, 2024-10-25,
 * the last ZooKeeper-mode code before Kafka 4.0 removed it):
 * - BrokerIdZNode: `<chroot>/brokers/ids/<id>` (EPHEMERAL). encode writes version, host, port, endpoints
 *   (`listenerName://host:port`, EndPoint.connectionString), jmx_port, timestamp (milliseconds *as a string*),
 *   rack when version >= 3, listener_security_protocol_map when >= 4, features when >= 5. BrokerInfo.apply
 *   picks 5 (IBP >= 2.7), 4 (>= 0.10.0) or 2. host is null and port -1 when no PLAINTEXT listener exists.
 *   decode requires version (>= 1) and jmx_port; v1 needs host and port, v2+ reads endpoints.
 * - ControllerZNode: `<chroot>/controller` (EPHEMERAL) {"version":2,"brokerid":N,"timestamp":"<ms>",
 *   "kraftControllerEpoch":-1|E} since 3.4 (7b7e40a536a, KIP-866 migration); version 1 had no kraftControllerEpoch.
 * - ControllerEpochZNode: `<chroot>/controller_epoch` (PERSISTENT): `epoch.toString` as UTF-8, read by `.toInt`.
 * - TopicPartitionStateZNode: `<chroot>/brokers/topics/<t>/partitions/<p>/state`:
 *   {"version":1,"leader":L,"leader_epoch":E,"controller_epoch":C,"isr":[...]} (+ "leader_recovery_state"
 *   when not RECOVERED). leader -1 (LeaderAndIsr.NO_LEADER) is an offline partition.
 */
import { fail, ok, jsonOf, utf8Text, type Decoded, type ZnodeText } from './decoded.ts';
import { FieldError, readJsonObject } from './json-fields.ts';

export const KAFKA_NO_LEADER = -1;

export interface KafkaEndpoint {
  listener: string;
  host: string;
  port: number;
}

export interface KafkaBroker {
  version: number;
  /** The PLAINTEXT listener's host (for old clients); null when the broker has none. */
  host: string | null;
  port: number | null;
  endpoints: KafkaEndpoint[];
  rack: string | null;
  /** Registration time, ms since the epoch. */
  timestamp: number | null;
  jmxPort: number;
  securityProtocols: Record<string, string> | null;
  features: unknown;
}

// SocketServerConfigs.listenerListToEndPoints (EndPoint regex): `^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)`
const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

export function parseKafkaEndpoint(text: string): Decoded<KafkaEndpoint> {
  if (text.length > 1024) return fail(`endpoint of ${text.length} characters is too long`);
  const m = ENDPOINT.exec(text);
  if (!m) return fail(`endpoint ${JSON.stringify(text)} is not listener://host:port`);
  const port = Number(m[3]);
  if (!Number.isSafeInteger(port) || port < -1 || port > 65535) return fail(`endpoint ${JSON.stringify(text)}: port out of range`);
  return ok({ listener: m[1]!, host: m[2]!, port });
}

/** The broker id a `brokers/ids/<id>` child names (BrokerIdZNode.path(id: Int)). */
export function parseKafkaBrokerId(name: string): Decoded<number> {
  if (!/^-?\d{1,10}$/.test(name)) return fail(`broker node ${JSON.stringify(name)} is not an integer broker id`);
  const id = Number(name);
  return id >= -2147483648 && id <= 2147483647 ? ok(id) : fail(`broker node ${JSON.stringify(name)} is out of the int range`);
}

export function decodeKafkaBroker(data: ZnodeText): Decoded<KafkaBroker> {
  // no `{ ...base, host, port }`: a spread followed by more fields takes V8's slow path, and this runs
  // for each of 10,000 brokers in a sync
  return readJsonObject(jsonOf(data), 'broker registration', (f): KafkaBroker => {
    const version = f.int('version');
    const jmxPort = f.int('jmx_port');
    const rack = f.optString('rack');
    const timestamp = f.optLongish('timestamp');
    const features = f.raw('features') ?? null;
    if (version < 1) throw new FieldError(`unsupported version ${version} (Kafka reads 1 and above)`);
    if (version === 1) {
      const host = f.string('host');
      const port = f.int('port');
      const endpoints = [{ listener: 'PLAINTEXT', host, port }];
      return { version, host, port, endpoints, rack, timestamp, jmxPort, securityProtocols: null, features };
    }
    const map = f.raw('listener_security_protocol_map');
    let securityProtocols: Record<string, string> | null = null;
    if (map !== undefined && map !== null) {
      if (typeof map !== 'object' || Array.isArray(map) || !Object.values(map).every((v) => typeof v === 'string')) {
        throw new FieldError('field listener_security_protocol_map: expected an object of strings');
      }
      securityProtocols = map as Record<string, string>;
    }
    const endpoints: KafkaEndpoint[] = [];
    for (const text of f.stringArray('endpoints')) {
      const e = parseKafkaEndpoint(text);
      if (!e.ok) throw new FieldError(`field endpoints: ${e.reason}`);
      endpoints.push(e.value);
    }
    const port = f.optInt('port');
    const host = f.optString('host');
    return { version, host, port: port === -1 ? null : port, endpoints, rack, timestamp, jmxPort, securityProtocols, features };
  });
}

export interface KafkaController {
  version: number;
  brokerId: number;
  timestamp: number | null;
  /** -1 for a ZooKeeper-mode controller, the KRaft epoch during a migration, null when not written (version 1). */
  kraftControllerEpoch: number | null;
}

export function decodeKafkaController(data: ZnodeText): Decoded<KafkaController> {
  return readJsonObject(jsonOf(data), 'controller', (f) => ({
    version: f.optInt('version') ?? 1,
    brokerId: f.int('brokerid'),
    timestamp: f.optLongish('timestamp'),
    kraftControllerEpoch: f.optInt('kraftControllerEpoch'),
  }));
}

/** `controller_epoch`: decimal text of an int (Scala `toInt`, which takes no spaces). */
export function decodeKafkaControllerEpoch(data: ZnodeText): Decoded<number> {
  const text = utf8Text(data, 'controller_epoch');
  if (!text.ok) return text;
  if (!/^[-+]?\d{1,10}$/.test(text.value)) return fail(`controller_epoch: expected a decimal integer, got ${JSON.stringify(text.value.slice(0, 40))}`);
  const epoch = Number(text.value);
  if (epoch < -2147483648 || epoch > 2147483647) return fail(`controller_epoch: ${text.value} is out of the int range`);
  return ok(epoch);
}

export interface KafkaPartitionState {
  version: number;
  leader: number;
  leaderEpoch: number;
  controllerEpoch: number;
  isr: number[];
  /** 0 RECOVERED (not written), 1 RECOVERING. */
  leaderRecoveryState: number;
  /** leader == -1: nobody serves the partition (KafkaOfflinePartitions). */
  offline: boolean;
}

export function decodeKafkaPartitionState(data: ZnodeText): Decoded<KafkaPartitionState> {
  return readJsonObject(jsonOf(data), 'partition state', (f) => {
    const leader = f.int('leader');
    return {
      version: f.optInt('version') ?? 1,
      leader,
      leaderEpoch: f.int('leader_epoch'),
      controllerEpoch: f.int('controller_epoch'),
      isr: f.intArray('isr'),
      leaderRecoveryState: f.optInt('leader_recovery_state') ?? 0,
      offline: leader === KAFKA_NO_LEADER,
    };
  });
}
