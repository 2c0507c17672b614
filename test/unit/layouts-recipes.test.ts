// Child names and data of Curator's, kazoo's and Solr's recipes. The names below are the ones the real
// recipes wrote in this repository's integration test (test/integration/real-recipes.test.ts) against
// Debian's Curator 5.4.0 and python3-kazoo 2.8.0; their shapes follow:
// - Curator ProtectedUtils.java ("_c_" + UUID + "-"), LeaderLatch.java ("latch-"), InterProcessMutex.java
//   ("lock-"), InterProcessReadWriteLock.java ("__READ__"/"__WRIT__"), JsonInstanceSerializer (ServiceInstance);
// - kazoo recipe/lock.py (uuid4().hex + "__lock__" / "__rlock__"), recipe/party.py ("__party__", "<hex>-<id>");
// - Solr LeaderElector.java ("<session>-<node>-n_<seq>"), OverseerElectionContext.java ({"id": <election node>}).
import test from 'ava';
import {
  curatorNormalize,
  curatorProtectedId,
  decodeCuratorParticipantId,
  decodeCuratorServiceInstance,
  decodeKazooIdentifier,
  decodeSolrOverseerLeader,
  parseKazooLockChild,
  parseKazooPartyChild,
  parseLeaderLatchChild,
  parseLeaderSelectorChild,
  parseReadWriteLockChild,
  parseSolrElectionNode,
  parseSolrLiveNode,
} from '../../contract/layouts/index.ts';

function reasonOf(r: { ok: boolean; reason?: string }): string {
  if (r.ok) throw new Error('expected a failure');
  return r.reason!;
}

test('Curator protection prefix: exactly ProtectedUtils.isProtectedZNode', (t) => {
  const name = '_c_7e9a248a-d102-48cc-b4d2-06642d2a0b4e-latch-0000000000';
  t.is(curatorProtectedId(name), '7e9a248a-d102-48cc-b4d2-06642d2a0b4e');
  t.is(curatorNormalize(name), 'latch-0000000000');
  t.is(curatorProtectedId('_c_7e9a248a-d102-48cc-b4d2-06642d2a0b4e-'), null, 'nothing after the prefix');
  t.is(curatorProtectedId('_c_7e9a248a-d102-48cc-b4d2-06642d2a0b4ex-lock-0000000000'), null, "no '-' at index 39");
  t.is(curatorProtectedId('_c_7e9a248a-d102-48cc-b4d2-06642d2a0bzz-lock-0000000000'), null, 'not a UUID');
  t.is(curatorNormalize('latch-0000000001'), 'latch-0000000001');
});

test('LeaderLatch and LeaderSelector children, protected or not', (t) => {
  t.deepEqual(parseLeaderLatchChild('_c_7e9a248a-d102-48cc-b4d2-06642d2a0b4e-latch-0000000003'), {
    ok: true,
    value: { name: '_c_7e9a248a-d102-48cc-b4d2-06642d2a0b4e-latch-0000000003', protectedId: '7e9a248a-d102-48cc-b4d2-06642d2a0b4e', lockName: 'latch-', seq: 3 },
  });
  t.deepEqual(parseLeaderLatchChild('latch-0000000012'), { ok: true, value: { name: 'latch-0000000012', protectedId: null, lockName: 'latch-', seq: 12 } });
  const sel = parseLeaderSelectorChild('_c_4f5b7e9c-d9fa-4670-9492-1dffa64d8c0b-lock-0000000000');
  t.true(sel.ok && sel.value.seq === 0 && sel.value.lockName === 'lock-');
  t.is(reasonOf(parseLeaderLatchChild('_c_4f5b7e9c-d9fa-4670-9492-1dffa64d8c0b-lock-0000000000')), 'child "_c_4f5b7e9c-d9fa-4670-9492-1dffa64d8c0b-lock-0000000000" is not [_c_<uuid>-]latch-<seq>');
  t.regex(reasonOf(parseLeaderLatchChild('latch-')), /no ZooKeeper sequence number/);
});

test('InterProcessReadWriteLock children: __READ__ / __WRIT__ with no dash before the number', (t) => {
  const w = parseReadWriteLockChild('_c_8c623aaf-2177-47ce-a602-fc1fa1e2be40-__WRIT__0000000000');
  t.true(w.ok && w.value.lockName === '__WRIT__' && w.value.seq === 0);
  const r = parseReadWriteLockChild('__READ__0000000007');
  t.true(r.ok && r.value.lockName === '__READ__' && r.value.seq === 7);
});

test('participant ids are UTF-8 text; empty is an id too', (t) => {
  t.deepEqual(decodeCuratorParticipantId(Buffer.from('p1')), { ok: true, value: 'p1' });
  t.deepEqual(decodeCuratorParticipantId(Buffer.alloc(0)), { ok: true, value: '' });
  t.deepEqual(decodeCuratorParticipantId(null), { ok: true, value: '' });
  t.is(reasonOf(decodeCuratorParticipantId(Buffer.from([0xc3, 0x28]))), 'participant id is not valid UTF-8 text (2 bytes)');
});

// Captured from Debian's Curator 5.4.0 ServiceDiscovery (JsonInstanceSerializer, compatible mode) in this repo's
// test/fixtures/curator/Recipe.java: the exact bytes of a registered instance.
const SERVICE_INSTANCE =
  '{"name":"svc","id":"inst-9","address":"127.0.0.1","port":8080,"sslPort":8443,"payload":"payload of inst-9","registrationTimeUTC":1796164371447,' +
  '"serviceType":"DYNAMIC","uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true},' +
  '{"value":":","variable":false},{"value":"port","variable":true}]}}';

test('a Curator ServiceInstance as JsonInstanceSerializer writes it', (t) => {
  t.deepEqual(decodeCuratorServiceInstance(Buffer.from(SERVICE_INSTANCE)), {
    ok: true,
    value: {
      name: 'svc',
      id: 'inst-9',
      address: '127.0.0.1',
      port: 8080,
      sslPort: 8443,
      payload: 'payload of inst-9',
      registrationTimeUTC: 1796164371447,
      serviceType: 'DYNAMIC',
      uriSpec: '{scheme}://{address}:{port}',
      enabled: null,
    },
  });
  const noPorts = JSON.parse(SERVICE_INSTANCE) as Record<string, unknown>;
  noPorts.port = null;
  noPorts.sslPort = null;
  noPorts.enabled = false;
  const r = decodeCuratorServiceInstance(Buffer.from(JSON.stringify(noPorts)));
  t.true(r.ok && r.value.port === null && r.value.sslPort === null && r.value.enabled === false);
  t.is(reasonOf(decodeCuratorServiceInstance(Buffer.from('{"name":"svc"}'))), 'ServiceInstance: field id: required (a string)');
  t.is(
    reasonOf(decodeCuratorServiceInstance(Buffer.from(SERVICE_INSTANCE.replace('"DYNAMIC"', '"ELASTIC"')))),
    'ServiceInstance: field serviceType: expected one of DYNAMIC, STATIC, PERMANENT, DYNAMIC_SEQUENTIAL, got "ELASTIC"',
  );
});

test('kazoo Lock / Election / ReadLock children', (t) => {
  t.deepEqual(parseKazooLockChild('71af08899b9f44a9b35c059370e27d99__lock__0000000000'), {
    ok: true,
    value: { name: '71af08899b9f44a9b35c059370e27d99__lock__0000000000', uuid: '71af08899b9f44a9b35c059370e27d99', kind: 'lock', seq: 0 },
  });
  const rl = parseKazooLockChild('f9dfaa7baa2345f89e5d735a3f493645__rlock__0000000004');
  t.true(rl.ok && rl.value.kind === 'rlock' && rl.value.seq === 4);
  t.regex(reasonOf(parseKazooLockChild('f9dfaa7baa2345f89e5d735a3f493645__party__')), /no ZooKeeper sequence number/);
  t.is(reasonOf(parseKazooLockChild('f9dfaa7baa2345f89e5d735a3f493645-lock-0000000001')), 'child "f9dfaa7baa2345f89e5d735a3f493645-lock-0000000001" is not <hex>__lock__<seq> or <hex>__rlock__<seq>');
  t.deepEqual(decodeKazooIdentifier(Buffer.from('e1')), { ok: true, value: 'e1' });
});

test('kazoo Party members (id in the data) and ShallowParty members (id after the first dash)', (t) => {
  t.deepEqual(parseKazooPartyChild('b63fbb7a908e43a88dd43df11b1270a9__party__'), {
    ok: true,
    value: { kind: 'party', name: 'b63fbb7a908e43a88dd43df11b1270a9__party__', uuid: 'b63fbb7a908e43a88dd43df11b1270a9' },
  });
  t.deepEqual(parseKazooPartyChild('e53e0bd40ab04ed699399ad38f887043-worker-7'), {
    ok: true,
    value: { kind: 'shallow', name: 'e53e0bd40ab04ed699399ad38f887043-worker-7', uuid: 'e53e0bd40ab04ed699399ad38f887043', id: 'worker-7' },
  });
  const bare = parseKazooPartyChild('lonely');
  t.true(bare.ok && bare.value.kind === 'shallow' && bare.value.id === 'lonely' && bare.value.uuid === null, "kazoo's child[child.find('-') + 1:]");
});

test('Solr overseer election nodes, leader and live nodes', (t) => {
  t.deepEqual(parseSolrElectionNode('72057594037927936-127.0.0.1:8983_solr-n_0000000003'), {
    ok: true,
    value: { name: '72057594037927936-127.0.0.1:8983_solr-n_0000000003', sessionId: '72057594037927936', nodeName: '127.0.0.1:8983_solr', seq: 3 },
  });
  t.regex(reasonOf(parseSolrElectionNode('127.0.0.1:8983_solr')), /not <session>-<node>-n_<seq>/);
  // Utils.toJSON(new ZkNodeProps("id", id)) pretty-prints
  const leader = decodeSolrOverseerLeader(Buffer.from('{\n  "id":"72057594037927936-127.0.0.1:8983_solr-n_0000000003"}'));
  t.true(leader.ok && leader.value.election?.nodeName === '127.0.0.1:8983_solr');
  t.is(reasonOf(decodeSolrOverseerLeader(Buffer.from('{"id":3}'))), 'overseer leader: field id: expected a string, got 3');
  t.deepEqual(parseSolrLiveNode('127.0.0.1:8983_solr'), { ok: true, value: { host: '127.0.0.1', port: 8983, context: 'solr' } });
  t.deepEqual(parseSolrLiveNode('[::1]:8983_solr%2Fcore'), { ok: true, value: { host: '[::1]', port: 8983, context: 'solr/core' } });
  t.deepEqual(parseSolrLiveNode('host:8983_'), { ok: true, value: { host: 'host', port: 8983, context: '' } });
  t.regex(reasonOf(parseSolrLiveNode('host_solr')), /not host:port_context/);
  t.regex(reasonOf(parseSolrLiveNode('host:8983_%E0%A4%A')), /not URL-encoded/);
});
