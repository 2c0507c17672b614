import test from 'ava';
import { foldEvents } from '../support/fold.ts';
import fc from 'fast-check';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import { emptyCluster, reduceCluster } from '../../collector/model/reducer.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import { PERSISTENT_OWNER, type NodeEvent, type WatchEvent, type ZnodeStat } from '../../collector/watch/events.ts';

const CLUSTER = 'crawler';
const S1 = '00000000000000a1';
const S2 = '00000000000000a2';

interface NodeOpts {
  czxid?: number;
  mtime?: number;
  owner?: string;
  dataLength?: number;
  time?: number;
  afterBlind?: true;
  cluster?: string;
}

/** A node event with a plausible stat; mtime defaults to the event time. */
function node(kind: NodeEvent['kind'], path: string, data: string | object | null, o: NodeOpts = {}): NodeEvent {
  const text = data === null || typeof data === 'string' ? data : JSON.stringify(data);
  const time = o.time ?? 1000;
  const czxid = o.czxid ?? 10;
  const stat: ZnodeStat = {
    czxid: String(czxid),
    mzxid: String(czxid + 1),
    ctime: time,
    mtime: o.mtime ?? time,
    version: 0,
    cversion: 0,
    ephemeralOwner: o.owner ?? S1,
    dataLength: o.dataLength ?? (text === null ? 0 : Buffer.byteLength(text)),
    numChildren: 0,
  };
  const event: NodeEvent = { kind, cluster: o.cluster ?? CLUSTER, path, stat, data: text, time };
  if (o.afterBlind) event.afterBlind = true;
  return event;
}

const added = (path: string, data: string | object | null, o?: NodeOpts) => node('added', path, data, o);
const changed = (path: string, data: string | object | null, o?: NodeOpts) => node('changed', path, data, o);
const removed = (path: string, data: string | object | null, o?: NodeOpts) => node('removed', path, data, o);

function fold(events: WatchEvent[], start = emptyCluster(CLUSTER, '/apps/crawler')) {
  return foldEvents(events, start);
}

/** Domain events without the fields every event shares, for compact expectations. */
function bodies(events: DomainEvent[]): object[] {
  return events.map((e) => {
    const { cluster: _c, time: _t, ...rest } = e;
    return rest;
  });
}

const worker = (state: string, extra: object = {}) => ({
  id: 'w1',
  host: 'h1',
  pid: 7,
  startedAt: 500,
  heartbeatMs: 1000,
  state,
  ...extra,
});
const master = (id: string) => ({ id, since: 900 });
const status = (state: string, done: number, workerId = 'w1') => ({ worker: workerId, done, total: 10, state, message: null, updatedAt: 5 });

/** The reason for text that is not JSON; the wording of the parse error is the runtime's. */
function notJson(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  throw new Error(`${text} is JSON`);
}

/** Each case: the watch events, then the domain events expected from the LAST watch event only. */
const cases: { title: string; events: WatchEvent[]; expect: object[] }[] = [
  {
    title: 'a worker node added: WorkerJoined then HeartbeatSeen at its mtime',
    events: [added('workers/w1', worker('ready'), { mtime: 1234 })],
    expect: [
      { type: 'WorkerJoined', worker: 'w1', host: 'h1' },
      { type: 'HeartbeatSeen', worker: 'w1', beat: 1234 },
    ],
  },
  {
    title: 'a rewrite that moved mtime is a heartbeat',
    events: [added('workers/w1', worker('ready'), { mtime: 1000 }), changed('workers/w1', worker('busy'), { mtime: 2000 })],
    expect: [{ type: 'HeartbeatSeen', worker: 'w1', beat: 2000 }],
  },
  {
    title: 'a change without a new mtime is no heartbeat',
    events: [added('workers/w1', worker('ready'), { mtime: 1000 }), changed('workers/w1', worker('busy'), { mtime: 1000 })],
    expect: [],
  },
  {
    title: 'a worker that said leaving and then vanished left on purpose',
    events: [added('workers/w1', worker('busy')), changed('workers/w1', worker('leaving'), { mtime: 1500 }), removed('workers/w1', worker('leaving'))],
    expect: [{ type: 'WorkerLeft', worker: 'w1', reason: 'leaving' }],
  },
  {
    title: 'a worker that vanished without leaving crashed',
    events: [added('workers/w1', worker('busy')), removed('workers/w1', worker('busy'))],
    expect: [{ type: 'WorkerLeft', worker: 'w1', reason: 'crash' }],
  },
  {
    title: 'a worker with invalid data that vanished crashed',
    events: [added('workers/w1', worker('leaving')), changed('workers/w1', 'garbage', { mtime: 1100 }), removed('workers/w1', 'garbage')],
    expect: [{ type: 'WorkerLeft', worker: 'w1', reason: 'crash' }],
  },
  {
    title: 'a worker node owned by a new session between two observations: left, then joined',
    events: [added('workers/w1', worker('busy')), changed('workers/w1', worker('ready'), { owner: S2, czxid: 20, mtime: 3000 })],
    expect: [
      { type: 'WorkerLeft', worker: 'w1', reason: 'crash' },
      { type: 'WorkerJoined', worker: 'w1', host: 'h1' },
      { type: 'HeartbeatSeen', worker: 'w1', beat: 3000 },
    ],
  },
  {
    title: 'a worker that left and comes back joins again',
    events: [added('workers/w1', worker('ready')), removed('workers/w1', worker('ready')), added('workers/w1', worker('ready'), { mtime: 5000, czxid: 30 })],
    expect: [
      { type: 'WorkerJoined', worker: 'w1', host: 'h1' },
      { type: 'HeartbeatSeen', worker: 'w1', beat: 5000 },
    ],
  },
  {
    title: 'master elected with its czxid as epoch',
    events: [added('master', master('m1'), { czxid: 77, owner: S2 })],
    expect: [{ type: 'MasterElected', id: 'm1', epoch: '77', session: S2 }],
  },
  {
    title: 'master node removed: MasterLost',
    events: [added('master', master('m1'), { czxid: 77 }), removed('master', master('m1'), { czxid: 77 })],
    expect: [{ type: 'MasterLost', id: 'm1', epoch: '77' }],
  },
  {
    title: 'master replaced by another czxid between observations: MasterLost then MasterElected',
    events: [added('master', master('m1'), { czxid: 77 }), changed('master', master('m2'), { czxid: 99, owner: S2 })],
    expect: [
      { type: 'MasterLost', id: 'm1', epoch: '77' },
      { type: 'MasterElected', id: 'm2', epoch: '99', session: S2 },
    ],
  },
  {
    title: 'master data rewritten with the same czxid: no event',
    events: [added('master', master('m1'), { czxid: 77 }), changed('master', { id: 'm1', since: 950 }, { czxid: 77 })],
    expect: [],
  },
  {
    title: 'candidate joins with the sequence of its node name',
    events: [added('election/n_0000000003', { id: 'm2' }, { owner: S2 })],
    expect: [{ type: 'CandidateJoined', node: 'n_0000000003', id: 'm2', session: S2 }],
  },
  {
    title: 'candidate leaves',
    events: [added('election/n_0000000003', { id: 'm2' }), removed('election/n_0000000003', { id: 'm2' })],
    expect: [{ type: 'CandidateLeft', node: 'n_0000000003', id: 'm2' }],
  },
  {
    title: 'task created',
    events: [added('tasks', null), added('tasks/t1', { url: 'x' }, { owner: PERSISTENT_OWNER })],
    expect: [{ type: 'TaskCreated', task: 't1' }],
  },
  {
    title: 'task assigned',
    events: [added('tasks/t1', null), added('assign/w1', null), added('assign/w1/t1', null)],
    expect: [{ type: 'TaskAssigned', task: 't1', worker: 'w1' }],
  },
  {
    title: 'progress updated',
    events: [added('tasks/t1', null), added('assign/w1/t1', null), added('status/t1', status('running', 3))],
    expect: [{ type: 'ProgressUpdated', task: 't1', worker: 'w1', done: 3, total: 10 }],
  },
  {
    title: 'status reaching done: ProgressUpdated then TaskFinished done',
    events: [added('status/t1', status('running', 3)), changed('status/t1', status('done', 10))],
    expect: [
      { type: 'ProgressUpdated', task: 't1', worker: 'w1', done: 10, total: 10 },
      { type: 'TaskFinished', task: 't1', worker: 'w1', outcome: 'done' },
    ],
  },
  {
    title: 'status failed: TaskFinished failed',
    events: [added('status/t1', status('running', 3)), changed('status/t1', status('failed', 4))],
    expect: [
      { type: 'ProgressUpdated', task: 't1', worker: 'w1', done: 4, total: 10 },
      { type: 'TaskFinished', task: 't1', worker: 'w1', outcome: 'failed' },
    ],
  },
  {
    title: 'done rewritten as done again: no second TaskFinished',
    events: [added('status/t1', status('done', 10)), changed('status/t1', status('done', 10))],
    expect: [{ type: 'ProgressUpdated', task: 't1', worker: 'w1', done: 10, total: 10 }],
  },
  {
    title: 'status node removed while running: TaskFinished interrupted',
    events: [added('tasks/t1', null), added('assign/w1/t1', null), added('status/t1', status('running', 3)), removed('status/t1', status('running', 3))],
    expect: [{ type: 'TaskFinished', task: 't1', worker: 'w1', outcome: 'interrupted' }],
  },
  {
    title: 'status node removed after done: nothing more',
    events: [added('tasks/t1', null), added('status/t1', status('done', 10)), removed('status/t1', status('done', 10))],
    expect: [],
  },
  {
    title: 'task removed after done: no second TaskFinished',
    events: [added('tasks/t1', null), added('status/t1', status('done', 10)), removed('tasks/t1', null)],
    expect: [],
  },
  {
    title: 'worker with data that is not JSON: joined, DataInvalid, heartbeat',
    events: [added('workers/w1', '{oops', { mtime: 1000 })],
    expect: [
      { type: 'WorkerJoined', worker: 'w1', host: null },
      { type: 'DataInvalid', path: 'workers/w1', reason: notJson('{oops') },
      { type: 'HeartbeatSeen', worker: 'w1', beat: 1000 },
    ],
  },
  {
    title: 'the same invalid data on the next beat: only the heartbeat',
    events: [added('workers/w1', '{oops', { mtime: 1000 }), changed('workers/w1', '{oops', { mtime: 2000 })],
    expect: [{ type: 'HeartbeatSeen', worker: 'w1', beat: 2000 }],
  },
  {
    title: 'a new reason for the same path: DataInvalid again',
    events: [added('workers/w1', '{oops', { mtime: 1000 }), changed('workers/w1', { heartbeatMs: 'often' }, { mtime: 2000 })],
    expect: [
      { type: 'DataInvalid', path: 'workers/w1', reason: 'field heartbeatMs: expected a number, got string' },
      { type: 'HeartbeatSeen', worker: 'w1', beat: 2000 },
    ],
  },
  {
    title: 'too large master data: elected with unknown id, DataInvalid',
    events: [added('master', null, { czxid: 5, dataLength: 2_000_000 })],
    expect: [
      { type: 'MasterElected', id: null, epoch: '5', session: S1 },
      { type: 'DataInvalid', path: 'master', reason: 'data too large (2000000 bytes)' },
    ],
  },
  {
    title: 'candidate of the wrong shape: joined with unknown id, DataInvalid',
    events: [added('election/n_0000000001', [1])],
    expect: [
      { type: 'CandidateJoined', node: 'n_0000000001', id: null, session: S1 },
      { type: 'DataInvalid', path: 'election/n_0000000001', reason: 'expected a JSON object, got array' },
    ],
  },
  {
    title: 'invalid status: DataInvalid, no progress',
    events: [added('status/t1', { done: 'half', total: 10, state: 'running' })],
    expect: [{ type: 'DataInvalid', path: 'status/t1', reason: 'field done: expected a number, got string' }],
  },
  {
    title: 'container nodes say nothing',
    events: [added('workers', null), added('election', null), added('assign/w1', null), changed('tasks', null), added('status', null)],
    expect: [],
  },
  {
    title: 'a removed workers container takes the workers still up with it',
    events: [added('workers/w1', worker('busy')), removed('workers', null)],
    expect: [{ type: 'WorkerLeft', worker: 'w1', reason: 'crash' }],
  },
  {
    title: 'events for another cluster are ignored',
    events: [added('workers/w1', worker('ready'), { cluster: 'other' })],
    expect: [],
  },
  {
    title: 'afterBlind is copied to every domain event of the watch event',
    events: [added('workers/w1', 'garbage', { afterBlind: true, mtime: 10 })],
    expect: [
      { type: 'WorkerJoined', worker: 'w1', host: null, afterBlind: true },
      { type: 'DataInvalid', path: 'workers/w1', reason: notJson('garbage'), afterBlind: true },
      { type: 'HeartbeatSeen', worker: 'w1', beat: 10, afterBlind: true },
    ],
  },
];

for (const c of cases) {
  test(`reduce: ${c.title}`, (t) => {
    const before = fold(c.events.slice(0, -1)).model;
    const last = c.events[c.events.length - 1]!;
    const { events } = reduceCluster(before, last, 0);
    t.deepEqual(bodies(events), c.expect);
    for (const e of events) {
      t.is(e.cluster, CLUSTER);
      t.is(e.time, last.time);
    }
  });
}

test('a worker that left stays in the model, down, with when and why; a re-join clears that', (t) => {
  const gone = fold([added('workers/w1', worker('leaving')), removed('workers/w1', worker('leaving'), { time: 4000 })]).model;
  t.like(gone.workers.get('w1'), { up: false, leftAt: 4000, leftReason: 'leaving', host: 'h1' });
  const back = fold([added('workers/w1', worker('ready'), { czxid: 40, time: 5000 })], gone).model;
  t.like(back.workers.get('w1'), { up: true, leftAt: null, leftReason: null, lastBeat: 5000, state: 'ready' });
});

test('a worker with invalid data is up, its fields null, its path counted as invalid until fixed', (t) => {
  const bad = fold([added('workers/w1', worker('busy')), changed('workers/w1', '{"pid":"x"}', { mtime: 2000 })]).model;
  t.like(bad.workers.get('w1'), {
    up: true,
    host: null,
    pid: null,
    startedAt: null,
    heartbeatMs: null,
    state: 'unknown',
    meta: null,
    lastBeat: 2000,
    invalid: 'field pid: expected a number, got string',
  });
  t.is(bad.invalidCount, 1);
  t.deepEqual(bad.invalid.toObject(), { 'workers/w1': 'field pid: expected a number, got string' });

  const fixed = fold([changed('workers/w1', worker('ready'), { mtime: 3000 })], bad).model;
  t.like(fixed.workers.get('w1'), { invalid: null, host: 'h1' });
  t.is(fixed.invalid.size, 0);
  t.is(fixed.invalidCount, 1);

  const goneWhileBad = fold([removed('workers/w1', '{"pid":"x"}')], bad).model;
  t.is(goneWhileBad.invalid.size, 0, 'a vanished node is no longer a current problem');
});

test('task state goes pending → assigned → running → done, and the record goes once no node is left', (t) => {
  let model = emptyCluster(CLUSTER, '/r');
  const states: string[] = [];
  for (const e of [
    added('tasks/t1', '{"url":"x"}'),
    added('assign/w1/t1', null),
    added('status/t1', status('running', 2)),
    changed('status/t1', status('done', 10)),
    removed('status/t1', status('done', 10)),
  ]) {
    model = reduceCluster(model, e, 0).model;
    states.push(model.tasks.get('t1')!.state);
    // openTasks holds the very record while the task is not done or failed, and drops it after
    const open = model.openTasks.get('t1');
    t.is(open, model.tasks.get('t1')!.state === 'done' ? undefined : model.tasks.get('t1'));
  }
  t.deepEqual(states, ['pending', 'assigned', 'running', 'done', 'done']);
  t.like(model.tasks.get('t1'), {
    data: { url: 'x' },
    exists: true,
    worker: 'w1',
    statusExists: false,
    progress: { worker: 'w1', done: 10, total: 10, state: 'done', message: null, updatedAt: 5, session: S1 },
  });
  model = fold([removed('tasks/t1', null), removed('assign/w1/t1', null)], model).model;
  t.false(model.tasks.has('t1'));
});

test('an interrupted task keeps its last progress and becomes assigned again on a new assignment', (t) => {
  const { model } = fold([
    added('tasks/t1', null),
    added('assign/w1/t1', null, { czxid: 11 }),
    added('status/t1', status('running', 4)),
    removed('status/t1', status('running', 4)),
  ]);
  t.like(model.tasks.get('t1'), { state: 'interrupted', statusExists: false, progress: { done: 4 } });
  const retried = fold([added('assign/w2/t1', null, { czxid: 50 })], model).model;
  t.like(retried.tasks.get('t1'), { state: 'assigned', worker: 'w2' });
});

test('with two assignments the newest names the worker, whatever order they are read in', (t) => {
  const a1 = added('assign/w1/t1', null, { czxid: 11 });
  const a2 = added('assign/w2/t1', null, { czxid: 12 });
  t.is(fold([a1, a2]).model.tasks.get('t1')!.worker, 'w2');
  t.is(fold([a2, a1]).model.tasks.get('t1')!.worker, 'w2');
  t.is(fold([a1, a2, removed('assign/w2/t1', null, { czxid: 12 })]).model.tasks.get('t1')!.worker, 'w1');
  t.like(fold([a1, removed('assign/w1/t1', null, { czxid: 11 }), added('tasks/t1', null)]).model.tasks.get('t1'), {
    worker: null,
    state: 'pending',
  });
});

test('candidate sequence comes from the trailing digits of the node name', (t) => {
  const { model } = fold([added('election/n_0000000012', { id: 'a' }), added('election/_c_2f-latch-0000000007', { id: 'b' })]);
  t.is(model.candidates.get('n_0000000012')!.seq, 12);
  t.is(model.candidates.get('_c_2f-latch-0000000007')!.seq, 7);
});

test('blind while disconnected or expired, until a synced event for this cluster', (t) => {
  const conn = (state: 'connected' | 'disconnected' | 'expired' | 'reconnected'): WatchEvent => ({ kind: 'connection', state, time: 1 });
  const synced = (cluster: string): WatchEvent => ({ kind: 'synced', cluster, time: 2, nodes: 0 });
  let m = emptyCluster(CLUSTER, '/r');
  t.like(m, { blind: false, synced: false });
  m = fold([conn('connected'), synced(CLUSTER)], m).model;
  t.like(m, { blind: false, synced: true });
  m = fold([conn('disconnected')], m).model;
  t.true(m.blind);
  m = fold([conn('reconnected'), synced('other')], m).model;
  t.true(m.blind, 'reconnecting is not enough, nor a resync of another cluster');
  m = fold([synced(CLUSTER)], m).model;
  t.false(m.blind);
  t.true(fold([conn('expired')], m).model.blind);
});

test('an event for another cluster leaves the very same model', (t) => {
  const m = fold([added('workers/w1', worker('ready'))]).model;
  const r = reduceCluster(m, added('workers/w2', worker('ready'), { cluster: 'other' }), 0);
  t.is(r.model, m);
  t.deepEqual(r.events, []);
});

test('an event the reducer cannot apply becomes a DataInvalid and the model is kept', (t) => {
  const m = fold([added('workers/w1', worker('ready'))]).model;
  const broken = { kind: 'changed', cluster: CLUSTER, path: 'workers/w1', data: '{}', time: 9 } as unknown as WatchEvent;
  const r = reduceCluster(m, broken, 0);
  t.is(r.events.length, 1);
  t.like(r.events[0], { type: 'DataInvalid', path: 'workers/w1', cluster: CLUSTER, time: 9 });
  t.deepEqual(r.model.workers.get('w1'), m.workers.get('w1'));
  t.is(r.model.invalidCount, m.invalidCount + 1);
});

test('the reducer never throws, whatever it is given', (t) => {
  const m = fold([added('workers/w1', worker('ready')), added('master', master('m1'))]).model;
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const r = reduceCluster(m, junk as WatchEvent, 123);
        return Array.isArray(r.events) && r.model.name === CLUSTER;
      }),
    ),
  );
  t.notThrows(() => reduceCluster(m, null as unknown as WatchEvent, 0));
});

test('the reducer is deterministic and does not change its input', (t) => {
  const events = [added('workers/w1', worker('ready')), added('status/t1', status('running', 1)), removed('workers/w1', worker('ready'))];
  const a = fold(events);
  const b = fold(events);
  t.deepEqual(bodies(a.events), bodies(b.events));
  t.deepEqual(a.model.workers.toJS(), b.model.workers.toJS());
  const snapshot = a.model.workers.toJS();
  reduceCluster(a.model, added('workers/w1', worker('busy'), { czxid: 90 }), 0);
  t.deepEqual(a.model.workers.toJS(), snapshot);
});

test('a model of 10,000 workers reduces heartbeats without copying them', (t) => {
  let model: ClusterModel = emptyCluster(CLUSTER, '/r');
  for (let i = 0; i < 10_000; i++) model = reduceCluster(model, added(`workers/w${i}`, worker('ready'), { mtime: i }), 0).model;
  const next = reduceCluster(model, changed('workers/w5000', worker('busy'), { mtime: 99_999 }), 0).model;
  t.is(next.workers.size, 10_000);
  t.is(next.workers.get('w5000')!.lastBeat, 99_999);
  t.is(model.workers.get('w5000')!.lastBeat, 5000);
  t.is(next.workers.get('w4999'), model.workers.get('w4999'), 'untouched workers are shared, not copied');
});
