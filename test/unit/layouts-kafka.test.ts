// Kafka's znodes in the shapes its ZooKeeper-mode code writes: apache/kafka core/src/main/scala/kafka/zk/ZkData.scala
// (1eb7644349cb). The broker JSON is the doc comment's examples of BrokerIdZNode.decode (versions 1–5), plus what
// encode writes when a broker has no PLAINTEXT listener ("host":null,"port":-1).
import test from 'ava';
import {
  decodeKafkaBroker,
  decodeKafkaController,
  decodeKafkaControllerEpoch,
  decodeKafkaPartitionState,
  parseKafkaBrokerId,
} from '../../contract/layouts/index.ts';

const b = (s: string): Buffer => Buffer.from(s);

function reasonOf(r: { ok: boolean; reason?: string }): string {
  if (r.ok) throw new Error('expected a failure');
  return r.reason!;
}

test('broker registration, version 1 (host and port only)', (t) => {
  const r = decodeKafkaBroker(b('{"version":1,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666"}'));
  t.deepEqual(r, {
    ok: true,
    value: {
      version: 1,
      host: 'localhost',
      port: 9092,
      endpoints: [{ listener: 'PLAINTEXT', host: 'localhost', port: 9092 }],
      rack: null,
      timestamp: 2233345666,
      jmxPort: 9999,
      securityProtocols: null,
      features: null,
    },
  });
});

test('broker registration, versions 2–5 read the endpoints', (t) => {
  const v2 = decodeKafkaBroker(b('{"version":2,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666","endpoints":["PLAINTEXT://host1:9092", "SSL://host1:9093"]}'));
  t.true(v2.ok);
  if (v2.ok) t.deepEqual(v2.value.endpoints, [{ listener: 'PLAINTEXT', host: 'host1', port: 9092 }, { listener: 'SSL', host: 'host1', port: 9093 }]);
  const v3 = decodeKafkaBroker(b('{"version":3,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666","endpoints":["PLAINTEXT://host1:9092"],"rack":"dc1"}'));
  t.is(v3.ok && v3.value.rack, 'dc1');
  const v5 = decodeKafkaBroker(
    b(
      '{"features":{"feature":{"min_version":1,"first_active_version":2,"max_version":3}},"listener_security_protocol_map":{"CLIENT":"PLAINTEXT","REPLICATION":"SSL"},' +
        '"endpoints":["CLIENT://host1:9092","REPLICATION://[::1]:9093"],"jmx_port":-1,"host":null,"timestamp":"1700000000000","port":-1,"version":5,"rack":"dc1"}',
    ),
  );
  t.true(v5.ok);
  if (!v5.ok) return;
  t.is(v5.value.host, null, 'no PLAINTEXT listener: encode writes host null');
  t.is(v5.value.port, null, '… and port -1');
  t.is(v5.value.jmxPort, -1);
  t.deepEqual(v5.value.endpoints[1], { listener: 'REPLICATION', host: '::1', port: 9093 });
  t.deepEqual(v5.value.securityProtocols, { CLIENT: 'PLAINTEXT', REPLICATION: 'SSL' });
  t.is(v5.value.timestamp, 1_700_000_000_000);
});

test('broker registrations Kafka itself refuses are refused with the field named', (t) => {
  t.is(reasonOf(decodeKafkaBroker(b('{"version":4,"host":"h","port":1,"timestamp":"1","endpoints":[]}'))), 'broker registration: field jmx_port: required (an integer)');
  t.is(reasonOf(decodeKafkaBroker(b('{"version":0,"jmx_port":1}'))), 'broker registration: unsupported version 0 (Kafka reads 1 and above)');
  t.is(reasonOf(decodeKafkaBroker(b('{"version":1,"jmx_port":1,"port":9092}'))), 'broker registration: field host: required (a string)');
  t.regex(reasonOf(decodeKafkaBroker(b('{"version":4,"jmx_port":1,"endpoints":["host1:9092"]}'))), /endpoint "host1:9092" is not listener:\/\/host:port/);
  t.regex(reasonOf(decodeKafkaBroker(b('{"version":"5","jmx_port":1}'))), /field version: expected a 32-bit integer, got "5"/);
  t.regex(reasonOf(decodeKafkaBroker(b('{"version":5,'))), /^not JSON: /);
  t.is(reasonOf(decodeKafkaBroker(b('[]'))), 'broker registration: expected a JSON object, got an array');
  t.is(reasonOf(decodeKafkaBroker(null)), 'no data (expected JSON)');
  t.regex(reasonOf(decodeKafkaBroker(Buffer.from([0xff, 0xfe]))), /not valid UTF-8/);
});

test('broker ids come from the node name', (t) => {
  t.deepEqual(parseKafkaBrokerId('1001'), { ok: true, value: 1001 });
  t.regex(reasonOf(parseKafkaBrokerId('broker-1')), /not an integer broker id/);
  t.regex(reasonOf(parseKafkaBrokerId('99999999999')), /not an integer broker id|out of the int range/);
});

test('controller: version 1 (before 3.4) and version 2 with kraftControllerEpoch', (t) => {
  t.deepEqual(decodeKafkaController(b('{"version":1,"brokerid":3,"timestamp":"1700000000000"}')), {
    ok: true,
    value: { version: 1, brokerId: 3, timestamp: 1_700_000_000_000, kraftControllerEpoch: null },
  });
  t.deepEqual(decodeKafkaController(b('{"version":2,"brokerid":3,"timestamp":"1700000000000","kraftControllerEpoch":-1}')), {
    ok: true,
    value: { version: 2, brokerId: 3, timestamp: 1_700_000_000_000, kraftControllerEpoch: -1 },
  });
  t.is(reasonOf(decodeKafkaController(b('{"version":2,"timestamp":"1"}'))), 'controller: field brokerid: required (an integer)');
});

test('controller_epoch is decimal text (ControllerEpochZNode.encode = epoch.toString)', (t) => {
  t.deepEqual(decodeKafkaControllerEpoch(b('17')), { ok: true, value: 17 });
  t.regex(reasonOf(decodeKafkaControllerEpoch(b('17\n'))), /expected a decimal integer/);
  t.regex(reasonOf(decodeKafkaControllerEpoch(b('{"epoch":1}'))), /expected a decimal integer/);
  t.regex(reasonOf(decodeKafkaControllerEpoch(b('9999999999'))), /out of the int range/);
});

test('partition state: leader -1 is an offline partition', (t) => {
  t.deepEqual(decodeKafkaPartitionState(b('{"controller_epoch":5,"leader":2,"version":1,"leader_epoch":7,"isr":[2,3]}')), {
    ok: true,
    value: { version: 1, leader: 2, leaderEpoch: 7, controllerEpoch: 5, isr: [2, 3], leaderRecoveryState: 0, offline: false },
  });
  const offline = decodeKafkaPartitionState(b('{"controller_epoch":5,"leader":-1,"version":1,"leader_epoch":8,"isr":[],"leader_recovery_state":1}'));
  t.true(offline.ok && offline.value.offline && offline.value.leaderRecoveryState === 1);
  t.is(reasonOf(decodeKafkaPartitionState(b('{"leader":1,"leader_epoch":1,"controller_epoch":1,"isr":["1"]}'))), 'partition state: field isr: expected an array of 32-bit integers, got an array');
});
