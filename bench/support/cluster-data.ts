/** docs/contract.md §2 data for the benchmark cluster, and a pipelined populator. */
import { PlainZk } from '../../stack/plain-zk.ts';

/** Worker JSON of about 200 bytes (docs/contract.md §2 fields, a little meta). */
export function benchWorkerData(id: string, beat = 0): string {
  return JSON.stringify({
    id,
    host: `node-${id}.bench.example.internal`,
    pid: 40_000 + (Number(id.slice(1)) % 20_000),
    startedAt: 1_700_000_000_000,
    heartbeatMs: 1000,
    state: 'ready',
    meta: { zone: 'eu-west-1a', version: '1.42.0', slots: 8, beat },
  });
}

export function workerId(i: number): string {
  return `w${i}`;
}

/** Issues every create at once (the client pipelines them), in chunks to bound memory. */
export async function pipelined(count: number, create: (i: number) => Promise<unknown>, chunk = 5000): Promise<void> {
  for (let start = 0; start < count; start += chunk) {
    const jobs: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + chunk); i++) jobs.push(create(i));
    await Promise.all(jobs);
  }
}

/**
 * R/workers/w0..wN-1 (persistent: no session has to stay alive through the benchmark), R/master,
 * 3 election candidates, `tasks` tasks with assignments and status. Election and master nodes are
 * persistent too; the reducer only looks at names, data and stats.
 */
export async function populateCluster(connectString: string, root: string, workers: number, tasks = 20): Promise<void> {
  const zk = await PlainZk.connect(connectString);
  try {
    for (const c of ['workers', 'election', 'tasks', 'assign', 'status']) await zk.mkdirp(`${root}/${c}`);
    await zk.create(`${root}/master`, JSON.stringify({ id: 'm1', since: 1_700_000_000_000 }));
    for (let i = 0; i < 3; i++) await zk.create(`${root}/election/n_${String(i).padStart(10, '0')}`, JSON.stringify({ id: `m${i + 1}` }));
    await pipelined(workers, (i) => zk.create(`${root}/workers/${workerId(i)}`, benchWorkerData(workerId(i))));
    const busy = Math.min(tasks, workers);
    for (let t = 0; t < busy; t++) {
      const w = workerId(t);
      await zk.create(`${root}/tasks/t${t}`, JSON.stringify({ input: `s3://bucket/part-${t}` }));
      await zk.mkdirp(`${root}/assign/${w}`);
      await zk.create(`${root}/assign/${w}/t${t}`, null);
      await zk.create(
        `${root}/status/t${t}`,
        JSON.stringify({ worker: w, done: t, total: 100, state: 'running', message: '', updatedAt: 1_700_000_000_000 }),
      );
    }
  } finally {
    await zk.close();
  }
}
