import fs from 'node:fs';
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { classifyAnswer, parseCons, parseMntr, parseSrvr } from '../../collector/ensemble/parse-four-letter.ts';
import { parseAdminConnections, parseMonitor, parseStats } from '../../collector/ensemble/parse-admin.ts';
import { parseAdminJson } from '../../zk/admin-server.ts';
import { addressOf, sessionOf, zxidOf } from '../../collector/ensemble/parse-values.ts';
import { membersOfConnectString, membersOfDynamicConfig, mergeMembers } from '../../collector/ensemble/members.ts';
import { observeAdmin, observeFourLetter } from '../../collector/ensemble/observe.ts';
import { zookeeperPoint } from '../../collector/ensemble/points.ts';
import { encodePoint } from '../../collector/influx/line-protocol.ts';

// real answers of ZooKeeper 3.8 servers (scripts/capture-zookeeper-outputs.ts)
const dir = fileURLToPath(new URL('../fixtures/zookeeper/', import.meta.url));
const fixture = (name: string) => fs.readFileSync(dir + fs.readdirSync(dir).find((f) => f.startsWith(name.split('.')[0]!) && f.endsWith(name.slice(name.indexOf('.'))))!, 'utf8');
const adminJson = (name: string) => {
  const parsed = parseAdminJson(fixture(name));
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

test('mntr of a real leader: mode and the §10 metrics, avg_latency with its fraction', (t) => {
  const reading = parseMntr(fixture('leader.mntr.txt'));
  t.is(reading?.mode, 'leader');
  t.is(reading?.metrics.synced_followers, 2);
  t.is(reading?.metrics.learners, 2);
  t.is(reading?.metrics.quorum_size, 3);
  t.is(reading?.metrics.pending_syncs, 0);
  t.is(reading?.metrics.max_file_descriptor_count, 20000);
  t.is(typeof reading?.metrics.avg_latency, 'number');
  t.is(reading?.metrics.znode_count, 6);
});

test('mntr of a real follower: no leader-only metrics', (t) => {
  const reading = parseMntr(fixture('follower.mntr.txt'));
  t.is(reading?.mode, 'follower');
  t.is(reading?.metrics.synced_followers, null);
  t.is(reading?.metrics.quorum_size, 3);
});

test('srvr: mode and the zxid as a decimal string', (t) => {
  t.deepEqual(parseSrvr(fixture('leader.srvr.txt')), { mode: 'leader', zxid: String(0x100000008) });
  t.deepEqual(parseSrvr(fixture('whitelist-ruok.srvr.txt')), { mode: 'standalone', zxid: '1' });
});

test('cons: the session connections with their client addresses; the cons connection itself is left out', (t) => {
  const text = fs.readdirSync(dir).filter((f) => f.endsWith('.cons.txt')).map((f) => fs.readFileSync(dir + f, 'utf8')).join('');
  t.deepEqual(parseCons(text, 's:1'), [{ server: 's:1', address: '127.0.0.1:47490', session: '010001439d070001' }]);
});

test('AdminServer monitor, stats and connections of a real follower; the 64-bit session id kept exact', (t) => {
  const monitor = parseMonitor(adminJson('follower-39501.monitor.json'));
  t.is(monitor?.mode, 'follower');
  t.is(monitor?.metrics.max_file_descriptor_count, 20000);
  t.deepEqual(parseStats(adminJson('follower-39501.stats.json')), { mode: 'follower', zxid: '4294967304' });
  // 72058983946846209 is past 2^53: JSON.parse alone gives 72058983946846200
  t.deepEqual(parseAdminConnections(adminJson('follower-39501.connections.json'), 's:1'), [{ server: 's:1', address: '127.0.0.1:47490', session: '010001439d070001' }]);
});

test('the refusal of a word not in 4lw.commands.whitelist, and "not currently serving"', (t) => {
  t.deepEqual(classifyAnswer(fixture('whitelist-ruok.mntr.txt')), { kind: 'refused' });
  t.deepEqual(classifyAnswer(fixture('whitelist-ruok.cons.txt')), { kind: 'refused' });
  t.deepEqual(classifyAnswer('This ZooKeeper instance is not currently serving requests\n'), { kind: 'not-serving' });
});

test('4lw observation: refused words named with the whitelist key; srvr still gives mode and zxid', (t) => {
  const { observation } = observeFourLetter('h:1', null, {
    ruok: fixture('whitelist-ruok.ruok.txt'),
    mntr: fixture('whitelist-ruok.mntr.txt'),
    srvr: fixture('whitelist-ruok.srvr.txt'),
    cons: fixture('whitelist-ruok.cons.txt'),
  });
  t.true(observation.up);
  t.true(observation.serving);
  t.is(observation.mode, 'standalone');
  t.is(observation.source, '4lw');
  t.regex(observation.problem ?? '', /mntr, cons: add them to 4lw\.commands\.whitelist/);
});

test('ruok answering while the server does not serve: up, serving false', (t) => {
  const notServing = 'This ZooKeeper instance is not currently serving requests\n';
  const { observation } = observeFourLetter('h:1', null, { ruok: 'imok', mntr: notServing, srvr: notServing, cons: notServing });
  t.true(observation.up);
  t.false(observation.serving);
  t.regex(observation.problem ?? '', /not serving/);
  const admin = observeAdmin('h:1', null, { monitor: new Error('http://h:8080/commands/monitor: the server says: This ZooKeeper instance is not currently serving requests'), stats: new Error('x'), connections: new Error('x') });
  t.is(admin?.observation.serving, false);
  t.is(admin?.observation.up, true);
});

test('no AdminServer answer: null (the poller falls back to the words); every word failing: down with the reason', (t) => {
  const refused = new Error('connect ECONNREFUSED 127.0.0.1:8080');
  t.is(observeAdmin('h:1', null, { monitor: refused, stats: refused, connections: refused }), null);
  const { observation } = observeFourLetter('h:1', true, { ruok: refused, mntr: refused, srvr: refused, cons: refused });
  t.false(observation.up);
  t.is(observation.voting, true);
  t.regex(observation.problem ?? '', /ECONNREFUSED/);
});

const hostile = [
  '',
  '\u0000\u0001garbage',
  'zk_avg_latency\tNaN\nzk_server_state\tking\nzk_znode_count\t1e400\nzk_watch_count\t-\nzk_learners\t9007199254740993',
  'Mode: leader\nZxid: 0xZZ',
  ' /1.2.3.4:5[1](sid=0xnothex)\n /[::1]:9[1](queued=0,sid=0x1)\n notanaddress[1](sid=0x2)\n',
  'x'.repeat(100_000),
  'mntr is not executed because it is not in the whitelist.',
];

test('hostile text never throws and gives nothing it does not say', (t) => {
  for (const text of hostile) {
    t.notThrows(() => {
      parseMntr(text);
      parseSrvr(text);
      parseCons(text, 's:1');
      classifyAnswer(text);
      observeFourLetter('s:1', null, { ruok: text, mntr: text, srvr: text, cons: text });
      parseAdminJson(text);
    });
  }
  const mntr = parseMntr(hostile[2]!);
  t.is(mntr?.mode, null);
  t.is(mntr?.metrics.avg_latency, null);
  t.is(mntr?.metrics.znode_count, null);
  t.is(mntr?.metrics.learners, null);
  t.deepEqual(parseSrvr(hostile[3]!), { mode: 'leader', zxid: null });
  t.deepEqual(parseCons(hostile[4]!, 's:1'), [{ server: 's:1', address: '[::1]:9', session: '0000000000000001' }]);
});

test('hostile JSON of an AdminServer: errors, wrong shapes and types give nulls', (t) => {
  t.is(parseAdminJson('{"command":"monitor","error":"Unknown command: monitor"}'), 'the server says: Unknown command: monitor');
  t.is(parseAdminJson('[1,2]'), 'the answer is not a JSON object');
  t.is(parseAdminJson('{'), 'the answer is not JSON');
  t.is(parseMonitor([1]), null);
  t.is(parseMonitor({ server_state: 3, avg_latency: 'x', znode_count: 1.5 })?.metrics.znode_count, null);
  t.is(parseStats({ server_stats: 'x' }), null);
  t.deepEqual(parseAdminConnections({ connections: [null, 1, { remote_socket_address: 5, session_id: '1' }, { remote_socket_address: '/10.0.0.1:5', session_id: '-1' }] }, 's'), [
    { server: 's', address: '10.0.0.1:5', session: 'ffffffffffffffff' },
  ]);
});

test('formats: zxids signed 64-bit decimal, session ids 16 hex digits, addresses ip:port', (t) => {
  t.is(zxidOf('0xffffffffffffffff'), '-1');
  t.is(zxidOf('0x100000008'), '4294967304');
  t.is(zxidOf('12345678901234567890123'), null);
  t.is(sessionOf('0x0'), null);
  t.is(sessionOf('72058983946846209'), '010001439d070001');
  t.is(addressOf('/0:0:0:0:0:0:0:1:5000'), '[0:0:0:0:0:0:0:1]:5000');
  t.is(addressOf('host.example/10.1.2.3:5000'), '10.1.2.3:5000');
  t.is(addressOf('nonsense'), null);
});

test('members: connect string hosts, /zookeeper/config members with their roles; observers do not vote', (t) => {
  t.deepEqual(membersOfConnectString('a:1,b:2,a:1/chroot').map((m) => m.server), ['a:1', 'b:2']);
  const config = 'server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=10.0.0.2:2888:3888:observer;10.0.0.2:2181\nserver.3=10.0.0.3:2888:3888:participant\nversion=100000000\nserver.x=garbage;;';
  const members = membersOfDynamicConfig(config);
  t.deepEqual(members.map((m) => [m.server, m.voting]), [['10.0.0.1:2181', true], ['10.0.0.2:2181', false]]);
  t.deepEqual(mergeMembers(membersOfConnectString('10.0.0.1:2181'), members).map((m) => [m.server, m.voting]), [['10.0.0.1:2181', true], ['10.0.0.2:2181', false]]);
});

test('zookeeper point: ints as ints, avg_latency a float, mode and zxid strings, unknown metrics left out', (t) => {
  const { observation } = observeFourLetter('127.0.0.1:2181', null, { ruok: 'imok', mntr: fixture('leader.mntr.txt'), srvr: fixture('leader.srvr.txt'), cons: '' });
  const line = encodePoint(zookeeperPoint('default', observation, 1_000)) ?? '';
  t.regex(line, /^zookeeper,ensemble=default,server=127\.0\.0\.1:2181 /);
  t.regex(line, /up=1i,serving=1i,mode="leader"/);
  t.regex(line, /avg_latency=\d+(\.\d+)?(,|\s)/);
  t.regex(line, /synced_followers=2i/);
  t.regex(line, /zxid="4294967304"/);
  const down = observeFourLetter('h:1', null, { ruok: new Error('x'), mntr: new Error('x'), srvr: new Error('x'), cons: new Error('x') }).observation;
  t.regex(encodePoint(zookeeperPoint('default', down, 1)) ?? '', /^zookeeper,ensemble=default,server=h:1 up=0i,serving=0i \d+$/);
});
