/**
 * The simulated cluster of `zkpulse demo` against a real ZooKeeper: the tree it writes follows
 * docs/contract.md §2, tasks flow, a worker that went down comes back under its id (the collector sees it rejoin),
 * the master fails over, and stop() leaves no ephemerals.
 */
import test, { type ExecutionContext } from 'ava';
import { startSimulatedCluster, type SimulatedCluster, type SimulatedClusterOptions } from '../../demo/simulated-cluster.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { until as poll } from '../support/poll.ts';
import { seededRandom as seeded } from '../../replay/seeded-random.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { startTestCollector } from '../support/collector.ts';
import { startRecordingReceiver } from '../support/recording-receiver.ts';

interface WebhookBody {
  alerts: { status: string; labels: Record<string, string> }[];
}


/** Polls `probe` every 100 ms until it yields a value (not undefined, null or false), failing after `ms`. */
async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  return (await poll(what, probe, (v) => v !== undefined && v !== null && v !== false, ms)) as T;
}

/** Resolves with the first log line that matches; rejects after `ms`. */
function logWatcher() {
  const lines: string[] = [];
  const waiting: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const log = (line: string): void => {
    lines.push(line);
    for (const w of [...waiting]) {
      const m = w.re.exec(line);
      if (m) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  const next = (re: RegExp, ms = 20_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${ms} ms; last lines:\n${lines.slice(-15).join('\n')}`)), ms);
      waiting.push({ re, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  return { log, next, lines };
}

const children = (zk: PlainZk, path: string): Promise<string[]> =>
  new Promise((resolve) => zk.client.getChildren(path, (err, kids) => resolve(err ? [] : kids)));

const readJson = (zk: PlainZk, path: string): Promise<Record<string, unknown> | undefined> =>
  new Promise((resolve) =>
    zk.client.getData(path, (err, data) => {
      if (err || !data) return resolve(undefined);
      try {
        resolve(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      } catch {
        resolve(undefined);
      }
    }),
  );

const fast = { workers: 4, heartbeatMs: 300, taskEveryMs: 200, taskStepMs: 80, restartDelayMs: 400, sessionTimeoutMs: 4000 } satisfies Partial<SimulatedClusterOptions>;

async function start(t: ExecutionContext, extra: Partial<SimulatedClusterOptions>, root = uniqueRoot(t)) {
  const connectString = await sharedZooKeeper();
  const zk = await PlainZk.connect(connectString);
  const logs = logWatcher();
  const cluster = await startSimulatedCluster({ connectString, root, random: seeded(7), log: logs.log, ...fast, ...extra });
  t.teardown(async () => {
    await cluster.stop();
    await zk.close();
  });
  return { zk, root, cluster, logs };
}

async function assertNoEphemerals(t: ExecutionContext, zk: PlainZk, root: string, cluster: SimulatedCluster): Promise<void> {
  await cluster.stop();
  t.is(await zk.exists(`${root}/master`), null, 'R/master is gone');
  t.deepEqual(await children(zk, `${root}/election`), [], 'no election nodes');
  t.deepEqual(await children(zk, `${root}/workers`), [], 'no worker nodes');
  t.deepEqual(await children(zk, `${root}/status`), [], 'no status nodes');
}

test('runs a master, workers and tasks following the znode layout, and stop() leaves no ephemerals', async (t) => {
  const { zk, root, cluster } = await start(t, { crashEveryMs: 0, masterCrashEveryMs: 0 });

  const master = await until('R/master', () => readJson(zk, `${root}/master`));
  t.is(master.id, 'candidate-1');
  t.is(typeof master.since, 'number');
  const election = await children(zk, `${root}/election`);
  t.is(election.length, 3);
  t.true(election.every((n) => /^n_\d{10}$/.test(n)));
  t.deepEqual(await readJson(zk, `${root}/election/${election.sort()[0]}`), { id: 'candidate-1' });

  const workers = await until('4 workers', async () => {
    const kids = await children(zk, `${root}/workers`);
    return kids.length === 4 && kids;
  });
  const data = await readJson(zk, `${root}/workers/${workers[0]}`);
  t.like(data, { id: workers[0], heartbeatMs: 300 });
  t.true(['ready', 'busy'].includes(String(data?.state)));
  for (const key of ['host', 'pid', 'startedAt', 'meta']) t.true(data !== undefined && key in data, key);

  // the heartbeat: the worker node's mtime moves
  const path = `${root}/workers/${workers[0]}`;
  const mtime0 = (await zk.exists(path))?.mtime.readBigInt64BE(0);
  await until('a heartbeat', async () => (await zk.exists(path))?.mtime.readBigInt64BE(0) !== mtime0);

  const assignment = await until('an assignment', async () => {
    for (const w of await children(zk, `${root}/assign`)) {
      const tasks = await children(zk, `${root}/assign/${w}`);
      if (tasks[0] !== undefined) return { worker: w, task: tasks[0] };
    }
    return undefined;
  });
  t.true(workers.includes(assignment.worker), 'assigned to a live worker');
  t.regex(assignment.task, /^task-\d+$/);

  const status = await until('a running status', async () => {
    for (const s of await children(zk, `${root}/status`)) {
      const d = await readJson(zk, `${root}/status/${s}`);
      if (d?.state === 'running' && Number(d.done) > 0) return { ...d, task: s } as Record<string, unknown> & { task: string };
    }
    return undefined;
  });
  t.true(workers.includes(String(status.worker)));
  t.true(Number(status.total) >= Number(status.done));
  t.is(typeof status.updatedAt, 'number');
  t.is(typeof status.message, 'string');
  t.truthy((await zk.exists(`${root}/status/${status.task}`))?.ephemeralOwner.some((b) => b !== 0), 'status is ephemeral');

  // that task completes: its task and assignment nodes go, the status says done before it goes
  await until(`${status.task} done`, async () => !(await zk.exists(`${root}/tasks/${status.task}`)), 30_000);
  // normally removed in the same multi as the task; when the multi finds one of them already gone, the
  // worker removes the other one by one: the assignment goes a moment later
  await until(`${status.task}'s assignment gone`, async () => (await zk.exists(`${root}/assign/${status.worker}/${status.task}`)) === null, 10_000);

  // the generator keeps fewer than ~2x workers pending
  t.true((await children(zk, `${root}/tasks`)).length <= 2 * 4 + 1);

  await assertNoEphemerals(t, zk, root, cluster);
});

test('a crashed worker comes back under its own id (a new session); its tasks move to live workers meanwhile', async (t) => {
  const { zk, root, cluster, logs } = await start(t, { crashEveryMs: 1500, masterCrashEveryMs: 0, leaveShare: 0, maxDown: 1 });
  await until('4 workers', async () => (await children(zk, `${root}/workers`)).length === 4);

  const crash = await logs.next(/^(worker-\d+): CRASH \(/);
  const crashed = crash[1] as string;
  await logs.next(new RegExp(`^${crashed}: restarted by its supervisor`));
  // back under the same id with a new session: the set of workers stays worker-1 … worker-4
  await until(`${crashed} up again`, async () => (await children(zk, `${root}/workers`)).includes(crashed));
  t.deepEqual((await children(zk, `${root}/workers`)).sort(), ['worker-1', 'worker-2', 'worker-3', 'worker-4']);

  const moved = await logs.next(/reassigned (task-\d+) from (\S+) \(gone\) to (\S+)/, 30_000);
  const [, task, from, to] = moved as unknown as [string, string, string, string];
  t.not(from, to);
  // it now sits under the new worker (unless that one already finished it or crashed too)
  const underNew = await zk.exists(`${root}/assign/${to}/${task}`);
  const stillPending = await zk.exists(`${root}/tasks/${task}`);
  t.true(underNew !== null || stillPending === null || !(await children(zk, `${root}/workers`)).includes(to));
  // unless the worker came back meanwhile and the task was given to it again
  const backAgain = await zk.exists(`${root}/assign/${from}/${task}`);
  t.true(backAgain === null || (await children(zk, `${root}/workers`)).includes(from), 'no stale assignment under a dead worker');
  t.deepEqual(logs.lines.filter((l) => Number(/^worker-(\d+)\b/.exec(l)?.[1]) > 4), [], 'no worker beyond worker-4 ever started');

  await assertNoEphemerals(t, zk, root, cluster);
});

test('the collector sees crashed workers rejoin: WorkerLost fires, then resolves when each is back', async (t) => {
  const receiver = await startRecordingReceiver();
  t.teardown(() => receiver.close());
  const root = uniqueRoot(t);
  const collector = await startTestCollector(
    {
      clusters: { app: root },
      webhook: [receiver.url],
      alerts: { evalInterval: '200ms', route: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' }, statePath: `/zkpulse-test-state${uniqueRoot()}` },
    },
    { http: false },
  );
  t.teardown(() => collector.stop());
  const seen: DomainEvent[] = [];
  const sub = collector.events$.subscribe((e) => seen.push(e));
  t.teardown(() => sub.unsubscribe());
  // a restart delay longer than a few evaluations, so the crash is seen before the worker is back
  const { logs } = await start(t, { crashEveryMs: 3000, masterCrashEveryMs: 0, leaveShare: 0, maxDown: 1, restartDelayMs: 2000 }, root);

  // three crashes in a row (maybe of the same worker): every one of them comes back
  const crashed: string[] = [];
  for (let i = 0; i < 3; i++) crashed.push((await logs.next(/^(worker-\d+): CRASH \(/, 30_000))[1] as string);
  const lost = (worker: string, status: string) =>
    receiver.requests.some((r) => (r.json as WebhookBody).alerts.some((a) => a.labels.alertname === 'WorkerLost' && a.labels.worker === worker && a.status === status));
  for (const worker of new Set(crashed)) {
    await until(`WorkerLost firing for ${worker}`, async () => lost(worker, 'firing'), 20_000);
    await until(`WorkerLost resolved for ${worker}`, async () => lost(worker, 'resolved'), 20_000);
    await until(`${worker} up again in the model`, async () => collector.model('app')?.workers.get(worker)?.up);
  }
  const first = crashed[0] as string;
  const firstEvents = seen.filter((e) => (e.type === 'WorkerLeft' || e.type === 'WorkerJoined') && e.worker === first).map((e) => (e.type === 'WorkerLeft' ? `left:${e.reason}` : 'joined'));
  t.deepEqual(firstEvents.slice(0, 3), ['joined', 'left:crash', 'joined']);
  t.deepEqual([...(collector.model('app')?.workers.keys() ?? [])].sort(), ['worker-1', 'worker-2', 'worker-3', 'worker-4'], 'no new worker ids: the page keeps four tiles');
});

test('a worker restarting on purpose leaves ("leaving" first) and comes back: the collector sees it leave, not crash', async (t) => {
  const root = uniqueRoot(t);
  const watcher = await startTestCollector({ clusters: { app: root } }, { http: false });
  t.teardown(() => watcher.stop());
  const seen: DomainEvent[] = [];
  const sub = watcher.events$.subscribe((e) => seen.push(e));
  t.teardown(() => sub.unsubscribe());
  const { logs } = await start(t, { crashEveryMs: 1500, masterCrashEveryMs: 0, leaveShare: 1, maxDown: 1, restartDelayMs: 1000 }, root);

  const left = (await logs.next(/^(worker-\d+): restarting on purpose/, 30_000))[1] as string;
  await logs.next(new RegExp(`^${left}: up`), 20_000);
  await until(`${left} back in the model`, async () => {
    const events = seen.filter((e) => (e.type === 'WorkerLeft' || e.type === 'WorkerJoined') && e.worker === left);
    return events.length >= 3 && events;
  });
  const mine = seen.filter((e) => (e.type === 'WorkerLeft' || e.type === 'WorkerJoined') && e.worker === left).map((e) => (e.type === 'WorkerLeft' ? `left:${e.reason}` : 'joined'));
  t.deepEqual(mine.slice(0, 3), ['joined', 'left:leaving', 'joined']);
});

test('when the master crashes a standby takes over', async (t) => {
  const { zk, root, cluster, logs } = await start(t, { crashEveryMs: 0, masterCrashEveryMs: 1500 });
  const first = await until('R/master', () => readJson(zk, `${root}/master`));
  const second = await until('a different master', async () => {
    const m = await readJson(zk, `${root}/master`);
    return m && m.id !== first.id && m;
  });
  t.not(second.id, first.id);
  t.true(logs.lines.some((l) => l.startsWith(`${String(first.id)}: CRASH of the master`)));
  // the crashed candidate is started again under its own id: three candidates again, the same three
  const candidateIds = async () => Promise.all((await children(zk, `${root}/election`)).map(async (n) => String((await readJson(zk, `${root}/election/${n}`))?.id)));
  await until('the same 3 candidates again', async () => (await candidateIds()).sort().join() === 'candidate-1,candidate-2,candidate-3');
  t.deepEqual(logs.lines.filter((l) => Number(/^candidate-(\d+)\b/.exec(l)?.[1]) > 3), [], 'no candidate beyond candidate-3 ever started');

  // the new master assigns tasks
  await until('an assignment by the new master', async () => {
    for (const w of await children(zk, `${root}/assign`)) {
      for (const tk of await children(zk, `${root}/assign/${w}`)) {
        const d = await readJson(zk, `${root}/assign/${w}/${tk}`);
        if (d?.by !== undefined && d.by !== first.id) return true;
      }
    }
    return undefined;
  });

  await assertNoEphemerals(t, zk, root, cluster);
});
