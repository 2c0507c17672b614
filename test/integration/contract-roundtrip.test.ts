/**
 * The contract round trip against a real ZooKeeper: what the agent writes (through contract/'s strict
 * encoders) is read back with a plain client, classified by the zkpulse layout and decoded by the model's
 * decoders to the very values the agent was given, for every node kind it writes (docs/contract.md §2).
 */
import test from 'ava';
import type zookeeper from 'node-zookeeper-client';
import { createAgent } from '../../agent/index.ts';
import { zkpulseLayout } from '../../contract/zkpulse/layout.ts';
import type { NodeClass } from '../../contract/layout.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { awaitEvent } from '../support/await-event.ts';
import { until } from '../support/poll.ts';
import { connectPlain } from '../support/plain-zk.ts';

/* A step of the agent is a few requests of at most the request timeout (⅓ of the 10 s session) each, plus what a busy machine adds. */
const STEP_MS = 3 * 3333 + 20_000;

function read(zk: PlainZk, path: string): Promise<{ data: string | null; stat: zookeeper.Stat } | null> {
  return new Promise((resolve, reject) =>
    zk.client.getData(path, (err, data, stat) => {
      if (err && (err as { getCode?: () => number }).getCode?.() === -101) resolve(null);
      else if (err) reject(err);
      else resolve({ data: data ? data.toString('utf8') : null, stat });
    }),
  );
}

function children(zk: PlainZk, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => zk.client.getChildren(path, (err, kids) => (err ? reject(err) : resolve(kids))));
}

/** Reads `path` (under `root`) once it exists, with the layout's view of it: its class and the raw data. */
async function node(zk: PlainZk, root: string, path: string): Promise<{ node: NodeClass; data: string | null; length: number }> {
  const got = await until(path, () => read(zk, path), (r) => r !== null, STEP_MS);
  return { node: zkpulseLayout.classify(path.slice(root.length + 1)), data: got!.data, length: got!.stat.dataLength };
}

test('agent → ZooKeeper → zkpulse layout: worker, status, candidate and master decode to what the agent wrote', async (t) => {
  const zkAddr = await sharedZooKeeper();
  const root = uniqueRoot(t);
  const zk = await connectPlain(t, zkAddr);
  const meta = { zone: 'eu-1', slots: 4, tags: ['a', 'b'], nested: { deep: true } };
  const agent = createAgent({ connectString: zkAddr, root, id: 'w-1', heartbeatMs: 60_000, host: 'host-a', pid: 4242, meta });
  t.teardown(() => agent.close());

  await agent.register();
  // at once after the registration resolved, with no heartbeat for a minute: this write must land by itself
  // (it once waited for the next beat: the node writer dropped a value set while its last write was settling)
  agent.setState('busy');
  const worker = await until('busy worker', () => node(zk, root, `${root}/workers/w-1`), (n) => n.data?.includes('"busy"') === true, STEP_MS);
  t.deepEqual(worker.node, { role: 'member', id: 'w-1' });
  const decodedWorker = zkpulseLayout.decode.member(worker.data, worker.length);
  t.true(decodedWorker.ok);
  if (!decodedWorker.ok) return;
  t.like(decodedWorker.value, { id: 'w-1', host: 'host-a', pid: 4242, heartbeatMs: 60_000, state: 'busy' });
  t.deepEqual(decodedWorker.value.meta, meta);
  t.is(typeof decodedWorker.value.startedAt, 'number');

  agent.progress('t-1', 3, 10, 'three of ten');
  const running = await until('progress', () => node(zk, root, `${root}/status/t-1`), (n) => n.data !== null, STEP_MS);
  t.deepEqual(running.node, { role: 'status', task: 't-1' });
  const decodedRunning = zkpulseLayout.decode.status(running.data, running.length);
  t.like(decodedRunning, { ok: true, value: { worker: 'w-1', done: 3, total: 10, state: 'running', message: 'three of ten' } });

  agent.progress('t-2', 0, 1);
  await agent.finish('t-2', 'failed');
  const failed = await node(zk, root, `${root}/status/t-2`);
  const decodedFailed = zkpulseLayout.decode.status(failed.data, failed.length);
  // no message given: the agent writes null, the model reads null (not undefined, not "")
  t.like(decodedFailed, { ok: true, value: { worker: 'w-1', done: 0, total: 1, state: 'failed', message: null } });

  agent.runForMaster();
  const leader = await awaitEvent(agent.leadership$, (l) => l.state === 'leader', STEP_MS, 'leader');
  const [candidateName] = await children(zk, `${root}/election`);
  t.truthy(candidateName);
  const candidate = await node(zk, root, `${root}/election/${candidateName}`);
  t.like(candidate.node, { role: 'candidate', node: candidateName });
  t.deepEqual(zkpulseLayout.decode.candidate(candidate.data, candidate.length), { ok: true, value: { id: 'w-1' } });
  const master = await node(zk, root, `${root}/master`);
  t.deepEqual(master.node, { role: 'leader' });
  const decodedMaster = zkpulseLayout.decode.leader(master.data, master.length);
  t.like(decodedMaster, { ok: true, value: { id: 'w-1' } });
  t.true(decodedMaster.ok && typeof decodedMaster.value.since === 'number');
  t.truthy(leader.epoch);
});
