/**
 * A synthetic recording with a realistic mix: `workers` workers heartbeating every second (a
 * "changed" of R/workers/<id> each), a master and election, tasks with progress, and now and then
 * a worker crash and rejoin, a planned leave, and a master change. Deterministic for a seed.
 */
import { createWriteStream } from 'node:fs';
import type { NodeEvent, WatchEvent, ZnodeStat } from '../../collector/watch/events.ts';
import { recordLine } from '../../collector/record-schema.ts';
import { seededRandom } from '../../replay/seeded-random.ts';

export interface SyntheticOptions {
  events: number;
  workers: number;
  cluster?: string;
  start?: number;
  seed?: number;
}

let zxid = 1;
function stat(time: number, owner: string, czxid?: string, version = 0): ZnodeStat {
  const z = String(zxid++);
  return { czxid: czxid ?? z, mzxid: z, ctime: time, mtime: time, version, cversion: 0, ephemeralOwner: owner, dataLength: 0, numChildren: 0 };
}

/** Generates the events, in time order. */
export function* syntheticEvents(o: SyntheticOptions): Generator<WatchEvent> {
  const cluster = o.cluster ?? 'bench';
  const random = seededRandom(o.seed ?? 7);
  let time = o.start ?? 1_700_000_000_000;
  let emitted = 0;
  const owner = (i: number) => (0x1000 + i).toString(16).padStart(16, '0');
  const node = (kind: NodeEvent['kind'], path: string, data: string | null, s: ZnodeStat): NodeEvent => ({ kind, cluster, path, stat: s, data, time });
  // as an agent writes it: the same data on every beat (startedAt is when the worker started)
  const workerData = (i: number, state = 'ready') =>
    JSON.stringify({ id: `w${i}`, host: `host-${i}`, pid: 1000 + i, startedAt: workers.get(i)?.startedAt ?? time, heartbeatMs: 1000, state, meta: {} });
  const workers = new Map<number, { czxid: string; version: number; startedAt: number }>();
  let masterEpoch = '';
  let masterId = 0;

  yield { kind: 'connection', state: 'connected', time, sessionId: '00000000000000aa' };
  for (const dir of ['workers', 'election', 'tasks', 'assign', 'status']) yield node('added', dir, null, stat(time, '0000000000000000'));
  const master = () => {
    const s = stat(time, owner(9000 + masterId));
    masterEpoch = s.czxid;
    return node('added', 'master', JSON.stringify({ id: `m${masterId}`, since: time }), s);
  };
  yield master();
  for (let i = 0; i < o.workers; i++) {
    const s = stat(time, owner(i));
    workers.set(i, { czxid: s.czxid, version: 0, startedAt: time });
    yield node('added', `workers/w${i}`, workerData(i), s);
  }
  yield { kind: 'synced', cluster, time, nodes: o.workers + 6 };
  emitted += o.workers + 9;

  const perMs = o.workers / 1000; // one beat per worker per second
  let task = 0;
  let beat = 0;
  const running: { t: string; worker: number }[] = [];
  while (emitted < o.events) {
    time += Math.max(1, Math.round(1 / perMs));
    const r = random();
    // heartbeats go round: every worker beats once a second; the rare events pick a worker at random
    const i = r < 0.005 ? Math.floor(random() * o.workers) : beat++ % o.workers;
    const w = workers.get(i);
    if (r < 0.0005 && w) {
      // crash, back a few seconds later (as a new node)
      yield node('removed', `workers/w${i}`, workerData(i), stat(time, owner(i), w.czxid, w.version));
      workers.delete(i);
    } else if (r < 0.0008 && w) {
      // planned leave: "leaving", then gone
      yield node('changed', `workers/w${i}`, workerData(i, 'leaving'), stat(time, owner(i), w.czxid, ++w.version));
      yield node('removed', `workers/w${i}`, workerData(i, 'leaving'), stat(time, owner(i), w.czxid, w.version));
      workers.delete(i);
      emitted++;
    } else if (r < 0.0009) {
      yield node('removed', 'master', JSON.stringify({ id: `m${masterId}`, since: time }), stat(time, owner(9000 + masterId), masterEpoch));
      masterId++;
      yield master();
      emitted++;
    } else if (r < 0.005) {
      // a new task starts; the one started 10 tasks ago (a few seconds) is done: ~10 running at a time
      const t = `t${task++}`;
      yield node('added', `tasks/${t}`, JSON.stringify({ n: task }), stat(time, '0000000000000000'));
      yield node('added', `status/${t}`, JSON.stringify({ worker: `w${i}`, done: 1, total: 10, state: 'running', updatedAt: time }), stat(time, owner(i)));
      emitted++;
      running.push({ t, worker: i });
      const old = running.length > 10 ? running.shift() : undefined;
      if (old) {
        yield node('changed', `status/${old.t}`, JSON.stringify({ worker: `w${old.worker}`, done: 10, total: 10, state: 'done', updatedAt: time }), stat(time, owner(old.worker)));
        emitted++;
      }
    } else if (!w) {
      const s = stat(time, owner(i));
      workers.set(i, { czxid: s.czxid, version: 0, startedAt: time });
      yield node('added', `workers/w${i}`, workerData(i), s);
    } else {
      yield node('changed', `workers/w${i}`, workerData(i), stat(time, owner(i), w.czxid, ++w.version));
    }
    emitted++;
  }
}

/** Writes the recording to `path`; resolves with the number of lines. */
export async function writeSyntheticRecording(path: string, o: SyntheticOptions): Promise<number> {
  const out = createWriteStream(path);
  let lines = 0;
  let chunk: string[] = [];
  const flush = async () => {
    if (!out.write(chunk.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    chunk = [];
  };
  for (const e of syntheticEvents(o)) {
    chunk.push(recordLine(e));
    lines++;
    if (chunk.length >= 4096) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return lines;
}
