import test from 'ava';
import { quorumOf } from '../../collector/ensemble/quorum.ts';
import { down, healthy3, notServing, serving } from '../support/ensemble-fixtures.ts';

test('quorumOf: a healthy 3-node ensemble is ok, one leader; majority 2', (t) => {
  t.deepEqual(quorumOf(healthy3()), { voters: 3, votersUp: 3, needed: 2, leaders: ['zk1:2181'], state: 'ok' });
});

test('quorumOf: one follower down → at-risk; two down → lost', (t) => {
  const [a, b] = healthy3();
  // the leader's synced_followers is the leader's view: after the loss it counts one
  const leader = { ...a!, metrics: { ...a!.metrics, synced_followers: 1 } };
  t.like(quorumOf([leader, b!, down('zk3:2181')]), { voters: 3, votersUp: 2, needed: 2, state: 'at-risk' });
  t.like(quorumOf([notServing('zk1:2181'), notServing('zk2:2181'), down('zk3:2181')]), { voters: 3, votersUp: 0, state: 'lost', leaders: [] });
  t.like(quorumOf([notServing('zk1:2181'), down('zk2:2181'), down('zk3:2181')]), { votersUp: 0, needed: 2, state: 'lost' });
});

test('quorumOf: observers do not vote — 3 voters + 2 observers, losing both observers changes nothing, one voter makes it at-risk', (t) => {
  const five = [...healthy3(), serving('ob1:2181', 'observer'), serving('ob2:2181', 'observer')];
  t.like(quorumOf(five), { voters: 3, votersUp: 3, needed: 2, state: 'ok' });
  const observersGone = [...healthy3(), { ...down('ob1:2181'), voting: false }, { ...down('ob2:2181'), voting: false }];
  t.like(quorumOf(observersGone), { voters: 3, votersUp: 3, state: 'ok' });
  const [a, b] = healthy3();
  const leader = { ...a!, metrics: { ...a!.metrics, synced_followers: 1 } };
  t.like(quorumOf([leader, b!, down('zk3:2181'), serving('ob1:2181', 'observer'), serving('ob2:2181', 'observer')]), { voters: 3, votersUp: 2, state: 'at-risk' });
});

test('quorumOf: a server never seen counts as a voter that is down (a lost quorum is not hidden)', (t) => {
  const [a] = healthy3();
  const leader = { ...a!, metrics: { ...a!.metrics, synced_followers: 0, quorum_size: null } };
  t.like(quorumOf([leader, down('zk2:2181', false), down('zk3:2181', false)]), { voters: 3, votersUp: 1, needed: 2, state: 'lost' });
});

test('quorumOf: a server that answers ruok but does not serve is not counted, and does not lead', (t) => {
  const [a, b] = healthy3();
  const leader = { ...a!, metrics: { ...a!.metrics, synced_followers: 1 } };
  t.like(quorumOf([leader, b!, notServing('zk3:2181')]), { votersUp: 2, state: 'at-risk' });
  const stale = { ...a!, serving: false };
  t.deepEqual(quorumOf([stale, b!]).leaders, [], 'a leader that does not serve does not lead');
});

test('quorumOf: standalone — one server, standalone or never placed in a quorum; never at risk', (t) => {
  t.deepEqual(quorumOf([serving('solo:2181', 'standalone')]), { voters: 1, votersUp: 1, needed: 1, leaders: [], state: 'standalone' });
  t.like(quorumOf([down('solo:2181', false)]), { state: 'standalone', votersUp: 0 });
  t.like(quorumOf([notServing('solo:2181')]), { state: 'standalone', votersUp: 0 });
  // one server of a bigger ensemble in the connect string is not standalone: its quorum_size says 3
  const follower = serving('zk2:2181', 'follower', {}, { quorum_size: 3 });
  t.like(quorumOf([follower]), { voters: 3, needed: 2, state: 'lost', votersUp: 1 }, 'one follower alone cannot tell the others are up');
});

test('quorumOf: 2-node ensembles are at risk even when both serve, lost with one', (t) => {
  const two = [serving('a:2181', 'leader', {}, { synced_followers: 1 }), serving('b:2181', 'follower')];
  t.like(quorumOf(two), { voters: 2, votersUp: 2, needed: 2, state: 'at-risk' });
  t.like(quorumOf([notServing('a:2181'), down('b:2181')]), { voters: 2, votersUp: 0, state: 'lost' });
});

test('quorumOf: a partial connect string — quorum_size raises the voters, the leader\'s synced followers the voters up', (t) => {
  // only the leader is listed, of a 5-voter ensemble whose 4 followers are synced
  const leader = serving('zk1:2181', 'leader', {}, { quorum_size: 5, synced_followers: 4 });
  t.like(quorumOf([leader]), { voters: 5, votersUp: 5, needed: 3, state: 'ok' });
  // synced_followers counts non-voting followers too: never more voters up than voters
  const inflated = serving('zk1:2181', 'leader', {}, { quorum_size: 3, synced_followers: 7 });
  t.like(quorumOf([inflated]), { voters: 3, votersUp: 3 });
  // a server that does not serve says nothing about the quorum
  const stale = { ...notServing('zk1:2181'), metrics: { ...leader.metrics } };
  t.like(quorumOf([stale, down('zk2:2181')]), { voters: 2, votersUp: 0 });
});

test('quorumOf: two servers saying leader in one poll are both listed, in poll order', (t) => {
  const q = quorumOf([serving('zk1:2181', 'leader'), serving('zk2:2181', 'leader'), serving('zk3:2181', 'follower')]);
  t.deepEqual(q.leaders, ['zk1:2181', 'zk2:2181']);
});

test('quorumOf: no servers at all is lost, not ok', (t) => {
  t.like(quorumOf([]), { voters: 0, votersUp: 0, state: 'lost' });
});
