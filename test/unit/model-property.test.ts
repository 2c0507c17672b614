/**
 * Property: folding the watch events of any history gives the same live picture as a fresh model
 * built from only the final tree. A simulated ZooKeeper tree follows the layout of docs/contract.md §2; a
 * simulated watch layer reports each change as it happens, or — while disconnected — only the
 * difference it finds when it resyncs.
 */
import assert from 'node:assert/strict';
import test from 'ava';
import { foldEvents } from '../support/fold.ts';
import fc from 'fast-check';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import { PERSISTENT_OWNER, type NodeEvent, type WatchEvent } from '../../collector/watch/events.ts';
import { lockHolders } from '../../contract/locks.ts';
import { lockTestLayout } from '../support/lock-layout.ts';

const CLUSTER = 'sim';
const SESSIONS = ['00000000000000a1', '00000000000000a2', '00000000000000a3'];
const WORKERS = ['w1', 'w2', 'w3'];
const TASKS = ['t1', 't2', 't3'];
const LOCKS = ['locks/a', 'locks/b'];
const KEYS = ['config/k1', 'config/k2'];
const TOO_LARGE = 2_000_000;

interface Payload {
  data: string | null;
  dataLength: number;
}

interface SimNode extends Payload {
  czxid: number;
  mzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  owner: string;
}

/** A ZooKeeper tree under one cluster root plus the watch layer observing it. */
class Sim {
  readonly tree = new Map<string, SimNode>();
  /** what the watch layer has reported so far */
  private mirror = new Map<string, SimNode>();
  private zxid = 100;
  private clock = 1_700_000_000_000;
  private seq = 0;
  private blind = false;
  readonly out: WatchEvent[] = [{ kind: 'connection', state: 'connected', time: this.clock, sessionId: 'ffff' }];

  constructor() {
    this.out.push({ kind: 'synced', cluster: CLUSTER, time: this.clock, nodes: 0 });
  }

  private tick(): number {
    this.clock += 7;
    return this.clock;
  }

  private report(kind: NodeEvent['kind'], path: string, n: SimNode, afterBlind = false): void {
    const event: NodeEvent = {
      kind,
      cluster: CLUSTER,
      path,
      data: n.data,
      time: this.tick(),
      stat: {
        czxid: String(n.czxid),
        mzxid: String(n.mzxid),
        ctime: n.ctime,
        mtime: n.mtime,
        version: n.version,
        cversion: 0,
        ephemeralOwner: n.owner,
        dataLength: n.dataLength,
        numChildren: 0,
      },
    };
    if (afterBlind) event.afterBlind = true;
    // a configuration key as the watch layer reports it: fingerprinted, the data dropped
    if (path.startsWith('config/')) {
      event.config = { digest: n.data === null ? null : `h${[...n.data].reduce((h, c) => (Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0), 2166136261)}` };
      event.data = null;
    }
    this.out.push(event);
  }

  private hasChildren(path: string): boolean {
    for (const p of this.tree.keys()) if (p.startsWith(`${path}/`)) return true;
    return false;
  }

  create(path: string, payload: Payload, owner = PERSISTENT_OWNER): void {
    if (this.tree.has(path)) return;
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent !== '') this.create(parent, { data: null, dataLength: 0 });
    const zxid = ++this.zxid;
    const time = this.tick();
    const n: SimNode = { ...payload, czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, owner };
    this.tree.set(path, n);
    if (!this.blind) {
      this.mirror.set(path, n);
      this.report('added', path, n);
    }
  }

  createSequential(prefix: string, payload: Payload, owner: string): void {
    this.create(`${prefix}${String(this.seq++).padStart(10, '0')}`, payload, owner);
  }

  set(path: string, payload: Payload): void {
    const old = this.tree.get(path);
    if (old === undefined) return;
    const n: SimNode = { ...old, ...payload, mzxid: ++this.zxid, mtime: this.tick(), version: old.version + 1 };
    this.tree.set(path, n);
    if (!this.blind) {
      this.mirror.set(path, n);
      this.report('changed', path, n);
    }
  }

  remove(path: string): void {
    if (!this.tree.has(path) || this.hasChildren(path)) return;
    this.tree.delete(path);
    this.zxid++;
    const last = this.mirror.get(path);
    if (!this.blind && last !== undefined) {
      this.mirror.delete(path);
      this.report('removed', path, last);
    }
  }

  /** The session ends: ZooKeeper deletes its ephemeral nodes. */
  expire(session: string): void {
    for (const [path, n] of [...this.tree]) if (n.owner === session) this.remove(path);
  }

  disconnect(): void {
    if (this.blind) return;
    this.blind = true;
    this.out.push({ kind: 'connection', state: 'disconnected', time: this.tick(), reason: 'socket closed' });
  }

  /** Reconnect and report the difference between what was seen and what is there now. */
  resync(): void {
    if (!this.blind) return;
    this.blind = false;
    this.out.push({ kind: 'connection', state: 'reconnected', time: this.tick(), sessionId: 'ffff' });
    const gone = [...this.mirror.keys()].filter((p) => !this.tree.has(p));
    gone.sort((a, b) => b.split('/').length - a.split('/').length); // children first
    for (const path of gone) this.report('removed', path, this.mirror.get(path)!, true);
    const present = [...this.tree].sort(([, a], [, b]) => a.czxid - b.czxid);
    for (const [path, n] of present) {
      const seen = this.mirror.get(path);
      // A node deleted and re-created while blind shows up as a change with a new czxid.
      if (seen === undefined) this.report('added', path, n, true);
      else if (seen.mzxid !== n.mzxid || seen.czxid !== n.czxid) this.report('changed', path, n, true);
    }
    this.mirror = new Map(this.tree);
    this.out.push({ kind: 'synced', cluster: CLUSTER, time: this.tick(), nodes: this.tree.size, afterBlind: true });
  }

  /** The watch events a collector starting now would see: every node added, parents first. */
  freshEvents(salt: number): WatchEvent[] {
    const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0), salt >>> 0);
    const paths = [...this.tree.keys()].sort(
      (a, b) => a.split('/').length - b.split('/').length || hash(a) - hash(b) || (a < b ? -1 : 1),
    );
    const before = this.out.length;
    for (const path of paths) this.report('added', path, this.tree.get(path)!);
    const events = this.out.splice(before);
    events.push({ kind: 'synced', cluster: CLUSTER, time: this.tick(), nodes: paths.length });
    return events;
  }
}

const json = (v: unknown): Payload => {
  const data = JSON.stringify(v);
  return { data, dataLength: Buffer.byteLength(data) };
};

const garbageArb: fc.Arbitrary<Payload> = fc.constantFrom(
  { data: '{not json', dataLength: 9 },
  { data: '[1,2]', dataLength: 5 },
  { data: '42', dataLength: 2 },
  { data: '', dataLength: 0 },
  { data: null, dataLength: TOO_LARGE },
  json({ heartbeatMs: 'soon', id: 3 }),
  json({ state: 'paused', done: 'x' }),
);

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const workerArb = fc
  .record({
    host: opt(fc.constantFrom('h1', 'h2')),
    pid: opt(fc.nat(99)),
    startedAt: opt(fc.nat(1000)),
    heartbeatMs: opt(fc.constantFrom(500, 1000)),
    state: opt(fc.constantFrom('ready', 'busy', 'leaving')),
    meta: opt(fc.constantFrom({ zone: 'a' }, null, [1])),
    extra: opt(fc.boolean()),
  })
  .map(json);
const masterArb = fc.record({ id: opt(fc.constantFrom('m1', 'm2')), since: opt(fc.nat(1000)) }).map(json);
const candidateArb = fc.record({ id: opt(fc.constantFrom('m1', 'm2', 'm3')) }).map(json);
const statusArb = fc
  .record({
    worker: opt(fc.constantFrom(...WORKERS)),
    done: fc.nat(10),
    total: fc.constantFrom(0, 10),
    state: fc.constantFrom('running', 'running', 'done', 'failed'),
    message: opt(fc.constantFrom('ok', null)),
    updatedAt: opt(fc.nat(1000)),
  })
  .map(json);
const taskDataArb = fc.constantFrom<Payload>(json({ url: 'x' }), { data: 'plain text', dataLength: 10 }, { data: null, dataLength: 0 });

type Kind = 'master' | 'candidate' | 'worker' | 'task' | 'status' | 'assign' | 'lock' | 'config';
type Verb = 'create' | 'set' | 'remove';

const opArb = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      what: fc.constantFrom<Kind>('master', 'candidate', 'worker', 'task', 'status', 'assign', 'lock', 'lock', 'config'),
      verb: fc.constantFrom<Verb>('create', 'create', 'set', 'set', 'remove'),
      i: fc.nat(2),
      j: fc.nat(2),
      session: fc.nat(SESSIONS.length - 1),
      // one write in five is garbage
      garbage: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: garbageArb }),
      worker: workerArb,
      master: masterArb,
      candidate: candidateArb,
      status: statusArb,
      task: taskDataArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ what: fc.constant('expire' as const), session: fc.nat(SESSIONS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ what: fc.constant('disconnect' as const) }) },
  { weight: 1, arbitrary: fc.record({ what: fc.constant('resync' as const) }) },
  { weight: 1, arbitrary: fc.record({ what: fc.constant('dropEmptyContainer' as const), i: fc.nat(11) }) },
);

const historyArb = fc.array(opArb, { maxLength: 150, size: 'max' });

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function apply(sim: Sim, op: Op): void {
  switch (op.what) {
    case 'expire':
      return sim.expire(SESSIONS[op.session]!);
    case 'disconnect':
      return sim.disconnect();
    case 'resync':
      return sim.resync();
    case 'dropEmptyContainer': {
      const containers = ['workers', 'election', 'tasks', 'status', 'assign', ...WORKERS.map((w) => `assign/${w}`), ...LOCKS, 'locks', 'config'];
      return sim.remove(containers[op.i % containers.length]!);
    }
  }
  const session = SESSIONS[op.session]!;
  const paths: Record<Kind, string> = {
    master: 'master',
    candidate: [...sim.tree.keys()].filter((p) => p.startsWith('election/'))[op.i] ?? 'election/none',
    worker: `workers/${WORKERS[op.i]}`,
    task: `tasks/${TASKS[op.j]}`,
    status: `status/${TASKS[op.j]}`,
    assign: `assign/${WORKERS[op.i]}/${TASKS[op.j]}`,
    lock: [...sim.tree.keys()].filter((p) => p.startsWith(`${LOCKS[op.j % LOCKS.length]}/`))[op.i] ?? 'locks/none',
    config: KEYS[op.i % KEYS.length]!,
  };
  const valid: Record<Kind, Payload> = {
    master: op.master,
    candidate: op.candidate,
    worker: op.worker,
    task: op.task,
    status: op.status,
    assign: { data: null, dataLength: 0 },
    lock: op.candidate,
    config: op.task,
  };
  const payload = op.garbage ?? valid[op.what];
  const path = paths[op.what];
  const persistent = op.what === 'task' || op.what === 'assign' || op.what === 'config';
  if (op.verb === 'remove') return sim.remove(path);
  if (op.verb === 'set') return sim.set(path, payload);
  if (op.what === 'candidate') return sim.createSequential('election/n_', payload, session);
  if (op.what === 'lock') return sim.createSequential(`${LOCKS[op.j % LOCKS.length]}/lock-`, payload, session);
  return sim.create(path, payload, persistent ? PERSISTENT_OWNER : session);
}

function fold(events: WatchEvent[]): { model: ClusterModel; events: DomainEvent[] } {
  return foldEvents(events, emptyCluster(CLUSTER, '/apps/sim', lockTestLayout), lockTestLayout);
}

/** What a fresh collector can know from the tree alone. */
function liveProjection(m: ClusterModel) {
  const byKey = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    synced: m.synced,
    blind: m.blind,
    master: m.master,
    candidates: byKey([...m.candidates.entries()]),
    workers: byKey([...m.workers.entries()].filter(([, w]) => w.up)),
    tasks: byKey(
      [...m.tasks.entries()].map(([id, t]): [string, unknown] => [
        id,
        {
          exists: t.exists,
          data: t.exists ? t.data : null,
          worker: t.worker,
          assignments: t.assignments,
          statusExists: t.statusExists,
          progress: t.statusExists ? t.progress : null,
        },
      ]),
    ),
    invalid: byKey([...m.invalid.entries()]),
    // when a holder got the lock is known live, not from the tree (a fresh model says its ctime)
    locks: byKey(
      [...m.locks.entries()].map(([path, l]): [string, unknown] => [
        path,
        { holders: l.holders, contenders: byKey([...l.contenders.entries()].map(([n, { heldSince: _, ...c }]) => [n, c])) },
      ]),
    ),
    // whether a version arrived after the sync is known live, not from the tree (a fresh model found them all)
    config: byKey([...m.config.entries()].map(([key, { changedSinceSync: _, ...c }]): [string, unknown] => [key, c])),
    sequences: byKey([...m.sequences.entries()]),
  };
}

/** Joins and leaves of one subject alternate, starting with a join. */
function alternates(events: DomainEvent[], join: string, leave: string, key: (e: DomainEvent) => string): boolean {
  const up = new Set<string>();
  for (const e of events) {
    if (e.type === join) {
      if (up.has(key(e))) return false;
      up.add(key(e));
    } else if (e.type === leave) {
      if (!up.delete(key(e))) return false;
    }
  }
  return true;
}

/** What the domain events alone say is live: they must tell the same story as the model. */
function storyOfEvents(events: DomainEvent[]) {
  let master: string | null = null;
  const workers = new Map<string, number>();
  const candidates = new Set<string>();
  for (const e of events) {
    if (e.type === 'MasterElected') master = e.epoch;
    else if (e.type === 'MasterLost') master = null;
    else if (e.type === 'WorkerJoined') workers.set(e.worker, NaN);
    else if (e.type === 'HeartbeatSeen') workers.set(e.worker, e.beat);
    else if (e.type === 'WorkerLeft') workers.delete(e.worker);
    else if (e.type === 'CandidateJoined') candidates.add(e.node);
    else if (e.type === 'CandidateLeft') candidates.delete(e.node);
  }
  return { master, workers: [...workers].sort(), candidates: [...candidates].sort() };
}

function storyOfModel(m: ClusterModel) {
  return {
    master: m.master?.epoch ?? null,
    workers: [...m.workers.values()].filter((w) => w.up).map((w): [string, number] => [w.id, w.lastBeat]).sort(),
    candidates: [...m.candidates.keys()].sort(),
  };
}

test('folding any history agrees with a fresh model of the final tree', (t) => {
  let runs = 0;
  t.notThrows(() =>
    fc.assert(
      fc.property(historyArb, fc.nat(), (ops, salt) => {
        const sim = new Sim();
        for (const op of ops) apply(sim, op);
        sim.resync();
        const folded = fold(sim.out);
        const fresh = fold(sim.freshEvents(salt));
        runs++;

        const internal = folded.events.filter((e) => e.type === 'DataInvalid' && e.reason.startsWith('could not apply'));
        if (internal.length > 0) throw new Error(`internal errors: ${JSON.stringify(internal)}`);
        const field = (name: string) => (e: DomainEvent) => String((e as unknown as Record<string, unknown>)[name]);
        if (!alternates(folded.events, 'WorkerJoined', 'WorkerLeft', field('worker'))) throw new Error('worker joins/leaves do not alternate');
        if (!alternates(folded.events, 'CandidateJoined', 'CandidateLeft', field('node'))) throw new Error('candidate joins/leaves do not alternate');
        if (!alternates(folded.events, 'MasterElected', 'MasterLost', () => 'master')) throw new Error('master elected/lost do not alternate');
        const lockKey = (e: DomainEvent) => `${field('lock')(e)} ${field('node')(e)}`;
        if (!alternates(folded.events, 'LockAcquired', 'LockReleased', lockKey)) throw new Error('lock acquired/released do not alternate');
        // the events tell which contenders hold each lock: exactly the model's holders, which are lockHolders'
        const holding = new Set<string>();
        for (const e of folded.events) {
          if (e.type === 'LockAcquired') holding.add(lockKey(e));
          else if (e.type === 'LockReleased') holding.delete(lockKey(e));
        }
        const modelHolding = [...folded.model.locks.values()].flatMap((l) => l.holders.map((h) => `${l.lock} ${h}`));
        assert.deepStrictEqual([...holding].sort(), modelHolding.sort(), 'lock events and model disagree');
        for (const l of folded.model.locks.values()) {
          assert.deepStrictEqual(l.holders, lockHolders([...l.contenders.values()]).map((c) => c.node), `holders of ${l.lock}`);
          assert.ok(l.contenders.size > 0, `a lock without contenders is kept: ${l.lock}`);
        }
        if (folded.model.invalidCount < folded.model.invalid.size) throw new Error('invalidCount below the current invalid paths');
        const blindFlags = folded.events.filter((e) => e.afterBlind === true).length;
        const blindCauses = sim.out.filter((e) => e.kind !== 'connection' && e.kind !== 'synced' && e.afterBlind === true).length;
        if (blindCauses === 0 && blindFlags > 0) throw new Error('afterBlind without a resync');

        // node's assert throws, so fast-check can shrink a failure to a minimal history
        assert.deepStrictEqual(storyOfEvents(folded.events), storyOfModel(folded.model), 'events and model disagree');
        assert.deepStrictEqual(liveProjection(folded.model), liveProjection(fresh.model), 'folded and fresh disagree');
        for (const m of [folded.model, fresh.model]) {
          // openTasks: exactly the tasks not done or failed, the very same records
          const open = [...m.tasks.values()].filter((x) => x.state !== 'done' && x.state !== 'failed').map((x) => x.id);
          assert.deepStrictEqual([...m.openTasks.keys()].sort(), open.sort(), 'openTasks and tasks disagree');
          for (const [id, task] of m.openTasks) assert.strictEqual(task, m.tasks.get(id), `openTasks holds another record of ${id}`);
        }
      }),
      { numRuns: 200 },
    ),
  );
  t.is(runs, 200);
});

test('the simulation exercises what it claims to', (t) => {
  // Guard against a generator that silently stopped producing the interesting cases.
  const seen = new Set<string>();
  fc.assert(
    fc.property(historyArb, (ops) => {
      const sim = new Sim();
      for (const op of ops) apply(sim, op);
      sim.resync();
      for (const e of fold(sim.out).events) {
        seen.add(e.type === 'WorkerLeft' ? `WorkerLeft:${e.reason}` : e.type === 'TaskFinished' ? `TaskFinished:${e.outcome}` : e.type);
        if (e.afterBlind) seen.add('afterBlind');
      }
    }),
    { numRuns: 200, seed: 42 },
  );
  for (const kind of [
    'WorkerJoined',
    'WorkerLeft:crash',
    'WorkerLeft:leaving',
    'HeartbeatSeen',
    'MasterElected',
    'MasterLost',
    'CandidateJoined',
    'CandidateLeft',
    'TaskCreated',
    'TaskAssigned',
    'ProgressUpdated',
    'TaskFinished:done',
    'TaskFinished:failed',
    'TaskFinished:interrupted',
    'DataInvalid',
    'LockAcquired',
    'LockReleased',
    'ConfigChanged',
    'afterBlind',
  ]) {
    t.true(seen.has(kind), kind);
  }
});
