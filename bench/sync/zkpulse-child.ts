/**
 * Child process: zkpulse's watch layer + model from a fresh start until the model of the cluster is
 * complete (the `synced` event folded by ClusterModels and N workers up).
 * argv: connectString root workers [--layout name] [--watch-only] [--refold] [--profile file.cpuprofile]
 * With --layout the cluster has that built-in layout (docs/contract.md §8): complete is `synced` folded with N
 * members up, N candidates where the layout's candidates are its members (a latch), and the leader known.
 * With --watch-only the model is not built: the time is the watch layer's alone (up to `synced`).
 * With --refold the events are kept, and folded again at the end without I/O (refoldMs). Not in
 * measured runs: keeping 10,000 events alive is the harness's cost (more to copy at each young GC),
 * not the collector's, which keeps none.
 * With --profile the run is CPU-profiled from start() to the complete model (which slows it down).
 * Prints one JSON line (SyncChildResult).
 */
import { ClusterModels } from '../../collector/cluster-models.ts';
import { ClusterWatch } from '../../collector/watch/cluster-watch.ts';
import { ZkSession } from '../../zk/session.ts';
import { layoutNamed } from '../../contract/layouts.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import fs from 'node:fs';
import path from 'node:path';
import { WindowProfiler, summarize } from '../support/cpu-profile.ts';

export interface ZkpulseChildResult {
  /** start() → session connected */
  connectMs: number;
  /** session connected → model complete (the figure compared with the baselines) */
  afterConnectMs: number;
  /** CPU time (user + system) this process spent from session connected to complete */
  cpuMs: number;
  /** time spent inside ClusterModels.apply (the pure reducer), summed */
  reducerMs: number;
  /** connected → first node event (the first getData reply folded) */
  firstNodeMs: number;
  /** connected → last node event before `synced` */
  lastNodeMs: number;
  /** reducer fold of the same events again, in a tight loop, with no I/O */
  refoldMs: number;
  watchEvents: number;
  domainEvents: number;
  workersUp: number;
  /** election candidates in the complete model (a latch: every member) */
  candidates: number;
  /** the leader's id in the complete model */
  leader: string | null;
  /** with --profile: self time in ms per layer, and the top functions */
  profile?: ReturnType<typeof summarize>;
}

const [connectString, root, workersArg, ...flags] = process.argv.slice(2);
if (!connectString || !root || !workersArg) throw new Error('usage: zkpulse-child connectString root workers [--watch-only]');
const expected = Number(workersArg);
const watchOnly = flags.includes('--watch-only');
const keepEvents = flags.includes('--refold');
const profileAt = flags.indexOf('--profile');
const profileFile = profileAt >= 0 ? flags[profileAt + 1] : undefined;
const layoutAt = flags.indexOf('--layout');
const layoutName = layoutAt >= 0 ? flags[layoutAt + 1] : undefined;
const layout = layoutName === undefined ? undefined : layoutNamed(layoutName);
if (layoutName !== undefined && layout === undefined) throw new Error(`unknown layout ${JSON.stringify(layoutName)}`);
// a latch's candidates are its members: the complete model holds all of them as candidates too
const candidatesExpected = layout?.leaderRule === 'lowest-candidate' ? expected : 0;
const profiler = profileFile ? new WindowProfiler() : null;

const clusters = [{ name: 'bench', root, layout }];
const session = new ZkSession({ connectString, sessionTimeout: 10_000, probeIntervalMs: 5_000, probeTimeoutMs: 30_000, now: Date.now });
const watch = new ClusterWatch({ session, clusters, maxDataBytes: 64 * 1024, now: Date.now, readTimeoutMs: 60_000 });
const models = new ClusterModels(clusters);
const seen: WatchEvent[] = [];
let watchEvents = 0;
let workersAdded = 0;

let startedAt = 0;
let connectedAt = 0;
let cpuAtConnect: NodeJS.CpuUsage | undefined;
let cpuMs = 0;
let firstNodeAt = 0;
let lastNodeAt = 0;
let reducerMs = 0;
let domainEvents = 0;

function upWorkers(): number {
  let n = 0;
  for (const w of models.get('bench')?.workers.values() ?? []) if (w.up) n++;
  return n;
}

/** N members up, the candidates, and (for a foreign layout) the leader known with its epoch */
function complete(model: ClusterModel | undefined): boolean {
  if (model === undefined || model.candidates.size < candidatesExpected) return false;
  if (layout !== undefined && (model.master === null || model.master.epochPending === true)) return false;
  return upWorkers() >= expected;
}

const done = new Promise<number>((resolve) => {
  let synced = false;
  watch.events$.subscribe((event) => {
    const t = performance.now();
    if (event.kind === 'connection' && event.state === 'connected' && connectedAt === 0) {
      connectedAt = t;
      cpuAtConnect = process.cpuUsage();
    }
    if (event.kind === 'added' || event.kind === 'changed') {
      if (firstNodeAt === 0) firstNodeAt = t;
      if (!synced) lastNodeAt = t;
    }
    watchEvents++;
    if (event.kind === 'added' && event.path.startsWith('workers/')) workersAdded++;
    if (keepEvents) seen.push(event);
    if (!watchOnly) {
      const out = models.apply(event, Date.now());
      domainEvents += out.length;
      reducerMs += performance.now() - t;
    }
    if (event.kind === 'synced') synced = true;
    if (synced && (watchOnly || complete(models.get('bench')))) {
      const cpu = process.cpuUsage(cpuAtConnect);
      cpuMs = (cpu.user + cpu.system) / 1000;
      resolve(performance.now());
    }
  });
});

profiler?.start();
startedAt = performance.now();
watch.start();
const completeAt = await done;
const profile = await profiler?.stop();
if (profile && profileFile) {
  await fs.promises.mkdir(path.dirname(profileFile), { recursive: true });
  await fs.promises.writeFile(profileFile, JSON.stringify(profile));
}

// The pure fold again, without I/O: what the reducer costs for this tree on a warm JIT.
const refold = new ClusterModels(clusters);
const r0 = performance.now();
for (const e of seen) refold.apply(e, 0);
const refoldMs = watchOnly || !keepEvents ? Number.NaN : performance.now() - r0;

const result: ZkpulseChildResult = {
  connectMs: connectedAt - startedAt,
  afterConnectMs: completeAt - connectedAt,
  cpuMs,
  reducerMs,
  firstNodeMs: firstNodeAt - connectedAt,
  lastNodeMs: lastNodeAt - connectedAt,
  refoldMs,
  watchEvents,
  domainEvents,
  profile: profile ? summarize(profile) : undefined,
  workersUp: watchOnly ? workersAdded : upWorkers(),
  candidates: models.get('bench')?.candidates.size ?? 0,
  leader: models.get('bench')?.master?.id ?? null,
};
await watch.stop();
console.log(JSON.stringify(result));
process.exit(0);
