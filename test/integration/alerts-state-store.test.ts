/** ZkStateStore against the shared ZooKeeper; a notifier restart restored from it. */
import test from 'ava';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { aclsFor } from '../../zk/acl.ts';
import { clientSource, ZkOps } from '../../zk/ops.ts';
import { fingerprint } from '../../alerts/fingerprint.ts';
import type { NflogSnapshot } from '../../alerts/notify/nflog.ts';
import { Notifier } from '../../alerts/notify/notifier.ts';
import { startRecordingReceiver } from '../support/recording-receiver.ts';
import type { WebhookBody } from '../../alerts/notify/webhook-body.ts';
import { NFLOG_KEY, NOTIFIER_MERGES } from '../../alerts/store/merges.ts';
import { ZkStateStore } from '../../alerts/store/zk-state-store.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import { ReplayScheduler } from '../../replay/virtual-clock.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';

async function connect(t: { teardown(fn: () => unknown): void }): Promise<{ client: Client; zk: ZkOps }> {
  const client = zookeeper.createClient(await sharedZooKeeper(), { sessionTimeout: 10_000 });
  const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.connect();
  await connected;
  t.teardown(() => client.close());
  return { client, zk: new ZkOps(clientSource(client), { timeoutMs: 10_000 }) };
}

function children(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => client.getChildren(path, (err, c) => (err ? reject(err) : resolve(c))));
}

const T0 = Date.UTC(2030, 0, 1);
/** these tests run without --zk-auth: the nodes are open, as the collector makes them then */
const OPEN = aclsFor(undefined).node;

function alert(worker: string, state: AlertInstance['state'] = 'firing', endsAt: number | null = null): AlertInstance {
  const labels = { alertname: 'WorkerLost', cluster: 'crawler', severity: 'critical', worker };
  return { fingerprint: fingerprint(labels), labels, annotations: {}, state, activeAt: T0, startsAt: T0, endsAt };
}

test('values round-trip; a 1.2 MB value is chunked under the znode limit and the chunks go when it shrinks', async (t) => {
  const { client, zk } = await connect(t);
  const path = `${uniqueRoot(t)}/state/default`;
  const store = new ZkStateStore({ zk, path, acls: OPEN, debounceMs: 10 });
  store.save('engine', { version: 1, alerts: ['a'] });
  const big = Array.from({ length: 12_000 }, (_, i) => ({ i, pad: 'x'.repeat(90) }));
  store.save('silences', big);
  await store.flush();
  t.true(JSON.stringify(big).length > 1_100_000);
  t.is((await children(client, `${path}/silences`)).length, 3);
  const loaded = await new ZkStateStore({ zk, path }).load();
  t.deepEqual(loaded.get('engine'), { version: 1, alerts: ['a'] });
  t.deepEqual(loaded.get('silences'), big);

  store.save('silences', []);
  await store.flush();
  t.deepEqual(await children(client, `${path}/silences`), []);
  t.deepEqual((await new ZkStateStore({ zk, path }).load()).get('silences'), []);
});

test('saves are debounced on the injected scheduler: one write of the last value after debounceMs; flush() cancels the timer', async (t) => {
  const { zk } = await connect(t);
  const path = `${uniqueRoot(t)}/state/default`;
  const clock = new ReplayScheduler(T0);
  const store = new ZkStateStore({ zk, path, acls: OPEN, debounceMs: 1000, scheduler: clock });
  const stored = async () => (await new ZkStateStore({ zk, path }).load()).get('engine');
  store.save('engine', { n: 1 });
  store.save('engine', { n: 2 });
  t.is(clock.actions.length, 1, 'one debounce timer for both saves');
  await clock.advanceTo(T0 + 999);
  t.is(clock.actions.length, 1);
  t.is(await stored(), undefined, 'nothing written before the debounce is over');
  await clock.advanceTo(T0 + 1000);
  t.is(clock.actions.length, 0);
  await store.close(); // nothing pending any more: waits for the write the timer started
  t.deepEqual(await stored(), { n: 2 }, 'the last value saved');

  store.save('engine', { n: 3 });
  t.is(clock.actions.length, 1);
  await store.flush();
  t.is(clock.actions.length, 0, 'flush() cancelled the debounce timer');
  t.deepEqual(await stored(), { n: 3 });
});

test('a function value is called when its write starts; of flushes queued behind a write, only the last calls it', async (t) => {
  const { zk } = await connect(t);
  const path = `${uniqueRoot(t)}/state/default`;
  const store = new ZkStateStore({ zk, path, acls: OPEN, debounceMs: 10 });
  const stored = async () => (await new ZkStateStore({ zk, path }).load()).get('engine');
  let latest = 1;
  let calls = 0;
  const value = () => {
    calls++;
    return { n: latest };
  };
  store.save('engine', value);
  t.is(calls, 0, 'not built when saved');
  const first = store.flush();
  await new Promise((resolve) => setImmediate(resolve)); // the chain was idle: its write has started, waiting for ZooKeeper
  t.is(calls, 1);
  latest = 2;
  store.save('engine', value);
  const second = store.flush();
  latest = 3;
  store.save('engine', value);
  const third = store.flush();
  await Promise.all([first, second, third]);
  t.is(calls, 2, 'the first write and the last flush; the second was skipped');
  t.deepEqual(await stored(), { n: 3 });
});

test('two collectors writing the same key merge instead of clobbering (versioned writes)', async (t) => {
  const { zk } = await connect(t);
  const path = `${uniqueRoot(t)}/state/default`;
  const merged: unknown[] = [];
  const a = new ZkStateStore({ zk, path, acls: OPEN, merge: NOTIFIER_MERGES });
  const b = new ZkStateStore({ zk, path, acls: OPEN, merge: NOTIFIER_MERGES, onMerged: (_k, v) => merged.push(v) });
  await a.load();
  await b.load();
  const entry = (groupKey: string, timestamp: number) => ({ receiver: 'ops', groupKey, firing: ['f'], resolved: [], timestamp, expiresAt: 9e15 });
  a.save(NFLOG_KEY, [entry('g1', 1)]);
  await a.flush();
  b.save(NFLOG_KEY, [entry('g2', 2)]);
  await b.flush();
  t.is(merged.length, 1, 'b saw the conflict');
  const stored = (await new ZkStateStore({ zk, path }).load()).get(NFLOG_KEY) as NflogSnapshot;
  t.deepEqual(stored.map((e) => e.groupKey).sort(), ['g1', 'g2']);
  // and a writes again on top of b: its remembered version is stale too
  a.save(NFLOG_KEY, [entry('g1', 3)]);
  await a.flush();
  const after = (await new ZkStateStore({ zk, path }).load()).get(NFLOG_KEY) as NflogSnapshot;
  t.deepEqual(after.map((e) => [e.groupKey, e.timestamp]).sort(), [
    ['g1', 3],
    ['g2', 2],
  ]);
});

test('restart mid-incident: no duplicate firing notice, and the resolve still arrives', async (t) => {
  const { zk } = await connect(t);
  const path = `${uniqueRoot(t)}/state/default`;
  const rx = await startRecordingReceiver();
  t.teardown(() => rx.close());
  const receivers = [{ kind: 'webhook' as const, name: 'ops', url: rx.url, route: { groupWaitMs: 30_000, groupIntervalMs: 60_000 } }];
  const clock = new ReplayScheduler(T0);

  const store1 = new ZkStateStore({ zk, path, acls: OPEN, merge: NOTIFIER_MERGES, debounceMs: 10 });
  await store1.load();
  const first = new Notifier({ receivers, scheduler: clock, onNflogChange: (s) => store1.save(NFLOG_KEY, s) });
  first.update([alert('w1'), alert('w2')]);
  await clock.advanceTo(T0 + 30_000, () => first.idle());
  t.is(rx.requests.length, 1);
  await store1.close();
  first.stop();

  // the collector restarts: a new pipeline restored from ZooKeeper, the engine still reports the incident
  const store2 = new ZkStateStore({ zk, path, acls: OPEN, merge: NOTIFIER_MERGES, debounceMs: 10 });
  const state = await store2.load();
  const second = new Notifier({ receivers, scheduler: clock, nflog: state.get(NFLOG_KEY) as NflogSnapshot, onNflogChange: (s) => store2.save(NFLOG_KEY, s) });
  t.teardown(() => second.stop());
  second.update([alert('w1'), alert('w2')]);
  await clock.advanceTo(clock.now() + 5 * 60_000, () => second.idle());
  t.is(rx.requests.length, 1, 'no duplicate firing notice');

  second.update([alert('w1', 'resolved', clock.now()), alert('w2', 'resolved', clock.now())]);
  await clock.advanceTo(clock.now() + 60_000, () => second.idle());
  t.is(rx.requests.length, 2);
  const body = rx.requests[1]?.json as WebhookBody;
  t.is(body.status, 'resolved');
  t.is(body.alerts.length, 2);
  await store2.close();
});
