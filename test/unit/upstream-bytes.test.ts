/**
 * stack/upstream-bytes.ts (the bytes the golden cases and the demo write for Kafka, HBase, Solr, Curator and
 * kazoo) agrees with test/support/layout-fixtures.ts, whose bytes the decoders' tests take from the upstream
 * sources; and what it writes decodes with the built-in layouts' decoders.
 */
import test from 'ava';
import * as fx from '../support/layout-fixtures.ts';
import * as up from '../../stack/upstream-bytes.ts';
import { parseLeaderLatchChild } from '../../contract/layouts/curator.ts';
import { parseKazooPartyChild } from '../../contract/layouts/kazoo.ts';
import { layoutNamed } from '../../contract/layouts.ts';

const MASTER = { host: 'hbase-master-1.example.com', port: 16000, startCode: 1_700_000_000_123 };

test('Kafka broker, controller and partition state are the fixtures\' bytes', (t) => {
  t.is(up.kafkaBroker('broker-1.example.com', 9092, 1_700_000_000_000, 'dc1'), fx.KAFKA_BROKER_V5);
  t.is(up.kafkaController(3), fx.kafkaController(3));
  t.is(up.kafkaPartitionState(2, [2], 7, 5), fx.kafkaPartitionState(2));
  t.is(up.kafkaPartitionState(-1, [], 7, 5), fx.kafkaPartitionState(-1));
});

test('HBase master and region server data are the fixtures\' bytes (0xFF + metadata + PBUF + protobuf)', (t) => {
  t.deepEqual(up.hbaseMaster(MASTER, 16010, '12345@hbase-master-1'), fx.HBASE_MASTER_DATA);
  t.deepEqual(up.hbaseRegionServer(16030, '2.5.10', '7@rs-3'), fx.HBASE_RS_DATA);
  t.is(up.hbaseServerName(MASTER), fx.HBASE_MASTER_SERVER);
  const hbase = layoutNamed('hbase')!;
  const bytes = up.hbaseMaster(MASTER, 16010, '1@m');
  const leader = hbase.decode.leader(null, bytes.length, bytes);
  t.deepEqual(leader, { ok: true, value: { id: fx.HBASE_MASTER_SERVER, since: null } });
});

test('Curator latch and kazoo party names parse as the layouts read them; Solr leader is the fixture', (t) => {
  const latch = parseLeaderLatchChild(`${up.curatorLatchPrefix()}0000000004`);
  t.true(latch.ok && latch.value.seq === 4);
  t.true(parseKazooPartyChild(up.kazooPartyName()).ok);
  t.is(up.solrOverseerLeader(fx.SOLR_NODE_LOW), fx.solrLeader(fx.SOLR_NODE_LOW));
  const session = Buffer.from('0100000000000000', 'hex');
  t.is(`${up.solrElectionPrefix(session, '127.0.0.1:8983_solr')}0000000003`, fx.SOLR_NODE_LOW);
});

test('Hadoop ActiveNodeInfo and ActiveRMInfoProto are the fixtures\' protoc bytes; selector, kazoo election and ServiceInstance parse as the layouts read them', (t) => {
  t.deepEqual(up.hdfsActiveNodeInfo('mycluster', 'nn1', 'nn1.example.com', 8020, 8019), fx.HDFS_ACTIVE);
  t.deepEqual(up.yarnActiveRmInfo('yarn-cluster', 'rm1'), fx.YARN_ACTIVE);
  const selector = layoutNamed('curator-leader-selector')!.classify(`${up.curatorSelectorPrefix()}0000000007`);
  t.like(selector, { role: 'candidate', seq: 7 });
  const election = layoutNamed('kazoo-election')!.classify(`${up.kazooElectionPrefix()}0000000003`);
  t.like(election, { role: 'candidate', seq: 3 });
  const instance = layoutNamed('curator-service-discovery')!.decode.member(up.curatorServiceInstance('search', 'i-1', '10.0.0.7', 8080, 1_700_000_000_000), 0);
  t.like(instance, { ok: true, value: { id: 'i-1', host: '10.0.0.7' } });
});
