/**
 * contract/: the zkpulse layout defined once. Writers' strict encoders and the model's lenient decoders share
 * their field definitions (round trip for every node kind); the absolute paths writers use classify, relative
 * to the root, as the node kinds they are; the watch plan says what the tree watcher reads as containers.
 */
import test from 'ava';
import fc from 'fast-check';
import {
  ContractViolation,
  candidateNameSeq,
  candidateSeq,
  decodeCandidate,
  decodeMaster,
  decodeStatus,
  decodeWorker,
  encodeCandidate,
  encodeElectionNode,
  encodeMaster,
  encodeStatus,
  encodeWorker,
  indexWatchPlan,
  joinPath,
  layoutNamed,
  layoutNames,
  zkpulseLayout,
  zkpulsePaths,
  type NodeClass,
  type StatusNodeData,
  type WorkerNodeData,
} from '../../contract/index.ts';
import { resolveAgentOptions } from '../../agent/options.ts';
import { AgentArgumentError } from '../../agent/errors.ts';

const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const jsonValue = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown); // -0 → 0, as JSON gives it back

const workerData: fc.Arbitrary<WorkerNodeData> = fc.record({
  id: name,
  host: fc.string(),
  pid: fc.nat(),
  startedAt: num,
  heartbeatMs: fc.nat(),
  state: fc.constantFrom('ready', 'busy', 'leaving'),
  meta: fc.dictionary(fc.string().filter((k) => k !== '__proto__'), jsonValue),
});
const statusData: fc.Arbitrary<StatusNodeData> = fc.record({
  worker: name,
  done: fc.nat(),
  total: fc.nat(),
  state: fc.constantFrom('running', 'done', 'failed'),
  message: fc.option(fc.string(), { nil: null }),
  updatedAt: num,
});
const normal = (x: number) => (Object.is(x, -0) ? 0 : x); // JSON writes -0 as 0

test('round trip: every worker the writers may produce decodes to the same values', (t) => {
  fc.assert(
    fc.property(workerData, (data) => {
      const back = decodeWorker(encodeWorker(data));
      t.deepEqual(back, { ok: true, value: { ...data, startedAt: normal(data.startedAt) } });
    }),
  );
});

test('round trip: status, master and candidate data decode to the same values', (t) => {
  fc.assert(
    fc.property(statusData, (data) => {
      t.deepEqual(decodeStatus(encodeStatus(data)), { ok: true, value: { ...data, updatedAt: normal(data.updatedAt) } });
    }),
  );
  fc.assert(
    fc.property(name, num, (id, since) => {
      t.deepEqual(decodeMaster(encodeMaster({ id, since })), { ok: true, value: { id, since: normal(since) } });
      t.deepEqual(decodeCandidate(encodeCandidate({ id })), { ok: true, value: { id } });
      t.deepEqual(decodeMaster(encodeElectionNode({ id, since }).toString()), { ok: true, value: { id, since: normal(since) } });
      t.is(encodeElectionNode({ id }).toString(), JSON.stringify({ id }));
    }),
  );
});

test('writers produce the fields in the order of docs/contract.md §2, nothing else', (t) => {
  const worker = encodeWorker({ meta: {}, state: 'ready', heartbeatMs: 1000, startedAt: 5, pid: 7, host: 'h', id: 'w1' } as WorkerNodeData);
  t.is(worker, '{"id":"w1","host":"h","pid":7,"startedAt":5,"heartbeatMs":1000,"state":"ready","meta":{}}');
  t.is(encodeStatus({ worker: 'w1', done: 1, total: 2, state: 'running', message: null, updatedAt: 9 }), '{"worker":"w1","done":1,"total":2,"state":"running","message":null,"updatedAt":9}');
  t.is(encodeMaster({ id: 'm', since: 3 }), '{"id":"m","since":3}');
});

test('writers refuse data outside the contract with a ContractViolation naming the field', (t) => {
  const ok: WorkerNodeData = { id: 'w1', host: 'h', pid: 1, startedAt: 0, heartbeatMs: 1000, state: 'ready', meta: {} };
  const refused = (data: unknown) => t.throws(() => encodeWorker(data as WorkerNodeData), { instanceOf: ContractViolation })?.message;
  t.is(refused({ ...ok, state: 'idle' }), 'worker data does not follow docs/contract.md: field state: expected one of "ready", "busy", "leaving", got "idle"');
  t.is(refused({ ...ok, pid: '1' }), 'worker data does not follow docs/contract.md: field pid: expected a number, got string');
  t.regex(refused({ ...ok, heartbeatMs: Number.NaN }) ?? '', /field heartbeatMs/);
  t.regex(refused({ ...ok, startedAt: Number.POSITIVE_INFINITY }) ?? '', /field startedAt/);
  t.is(refused({ ...ok, extra: 1 }), 'worker data does not follow docs/contract.md: data: not in the contract: extra');
  t.regex(refused({ ...ok, meta: [1] }) ?? '', /field meta/);
  const { host: _host, ...noHost } = ok;
  t.is(refused(noHost), 'worker data does not follow docs/contract.md: field host: required (string)');
  t.throws(() => encodeStatus({ worker: 'w', done: 1, total: 1, state: 'running', updatedAt: 1 } as StatusNodeData), { message: /field message: required/ });
});

test('readers stay lenient where writers are strict: extra fields, nulls, missing optional fields, empty data', (t) => {
  t.deepEqual(decodeWorker('{"id":"w1","extra":1}'), {
    ok: true,
    value: { id: 'w1', host: null, pid: null, startedAt: null, heartbeatMs: null, state: null, meta: null },
  });
  t.deepEqual(decodeWorker('{"meta":"a string"}'), {
    ok: true,
    value: { id: null, host: null, pid: null, startedAt: null, heartbeatMs: null, state: null, meta: 'a string' },
  });
  t.deepEqual(decodeMaster(''), { ok: true, value: { id: null, since: null } });
  t.deepEqual(decodeStatus(''), { ok: false, reason: 'no data' });
  t.deepEqual(decodeWorker('{"pid":"7"}'), { ok: false, reason: 'field pid: expected a number, got string' });
});

const ROOT = '/apps/crawler';

test('the paths writers use classify, relative to the root, as the node kinds they are', (t) => {
  const p = zkpulsePaths(ROOT);
  const rel = (abs: string) => abs.slice(ROOT.length + 1);
  const cases: [string, NodeClass][] = [
    [p.master, { role: 'leader' }],
    [`${p.candidatePrefix}0000000012`, { role: 'candidate', node: 'n_0000000012', seq: 12 }],
    [p.worker('w1'), { role: 'member', id: 'w1' }],
    [p.task('t1'), { role: 'task', task: 't1' }],
    [p.assignment('w1', 't1'), { role: 'assignment', member: 'w1', task: 't1' }],
    [p.statusOf('t1'), { role: 'status', task: 't1' }],
    [p.workers, { role: 'container', holds: 'member' }],
    [p.election, { role: 'container', holds: 'candidate' }],
    [p.tasks, { role: 'container', holds: 'task' }],
    [p.assign, { role: 'container', holds: 'assignment' }],
    [p.assignDir('w1'), { role: 'container', holds: 'assignment', member: 'w1' }],
    [p.status, { role: 'container', holds: 'status' }],
  ];
  for (const [abs, want] of cases) t.deepEqual(zkpulseLayout.classify(rel(abs)), want, abs);
  // and the readers' relative paths (the model's invalid-data keys) are the same nodes
  const lp = zkpulseLayout.paths;
  t.is(joinPath(ROOT, lp.leader), p.master);
  t.is(joinPath(ROOT, lp.member('w1')), p.worker('w1'));
  t.is(joinPath(ROOT, lp.candidate('n_1')), `${p.candidatePrefix}1`);
  t.is(joinPath(ROOT, lp.task('t1')), p.task('t1'));
  t.is(joinPath(ROOT, lp.assignment('w1', 't1')), p.assignment('w1', 't1'));
  t.is(joinPath(ROOT, lp.status('t1')), p.statusOf('t1'));
});

test('classify: the root, a tolerated leading slash, and what the layout does not model', (t) => {
  const c = (rel: string) => zkpulseLayout.classify(rel);
  t.deepEqual(c(''), { role: 'root' });
  t.deepEqual(c('/'), { role: 'root' });
  t.deepEqual(c('/workers/w1'), { role: 'member', id: 'w1' });
  t.deepEqual(c('election/oddname'), { role: 'candidate', node: 'oddname', seq: Number.MAX_SAFE_INTEGER });
  for (const other of ['workers//w1', 'workers/w1/x', 'master/x', 'assign/w1/t1/x', 'config/a/b', 'locks/l/x', 'constructor', '__proto__', 'tasks/t1/x', 'status/t/x']) {
    t.deepEqual(c(other), { role: 'other' }, other);
  }
});

test('sequence numbers: readers order any name, writers recognise only n_<digits>', (t) => {
  t.is(candidateSeq('n_0000000003'), 3);
  t.is(candidateSeq('x'), Number.MAX_SAFE_INTEGER);
  t.is(candidateSeq('n_99999999999999999999'), Number.MAX_SAFE_INTEGER);
  t.is(candidateNameSeq('n_0000000003'), 3);
  t.true(Number.isNaN(candidateNameSeq('x_0000000003')));
});

test('the watch plan: containers, the container of containers, and the leaves', (t) => {
  const plan = indexWatchPlan(zkpulseLayout.watch);
  t.deepEqual(
    zkpulseLayout.watch.containers.map((c) => c.path),
    ['workers', 'election', 'tasks', 'assign', 'status', 'locks', 'config'],
  );
  t.deepEqual(zkpulseLayout.watch.leaves, ['master']);
  for (const c of ['workers', 'election', 'tasks', 'assign', 'status', 'assign/w1']) t.true(plan.isContainer(c), c);
  for (const l of ['master', 'workers/w1', 'assign/w1/t1', 'other', '']) t.false(plan.isContainer(l), l);
  t.true(plan.childrenAreContainers('assign'));
  t.false(plan.childrenAreContainers('assign/w1'));
  t.false(plan.childrenAreContainers('workers'));
  t.true(plan.isLeaf('master'));
  t.false(plan.isLeaf('workers/w1'));
  // a nested container path and a deeper plan, as other layouts need (docs/contract.md §8)
  const deep = indexWatchPlan({ containers: [{ path: 'brokers/ids', depth: 1 }, { path: 'a', depth: 3 }], leaves: [] });
  t.true(deep.isContainer('brokers/ids'));
  t.false(deep.isContainer('brokers'));
  t.true(deep.childrenAreContainers('a/x'));
  t.false(deep.childrenAreContainers('a/x/y'));
  t.true(deep.isContainer('a/x/y'));
  t.false(deep.isContainer('a/x/y/z'));
});

test('the layouts by name: zkpulse is built in and says what it can show', (t) => {
  t.is(layoutNames()[0], 'zkpulse', 'the default comes first; the layouts of §8 follow (layouts-builtin.test.ts)');
  t.is(layoutNamed('zkpulse'), zkpulseLayout);
  t.is(layoutNamed('nope'), undefined);
  t.deepEqual(zkpulseLayout.capabilities, { heartbeat: true, tasks: true, splitBrain: true, locks: true, config: true });
});

test('the agent refuses worker data its encoder would refuse, before anything is written', (t) => {
  const base = { connectString: '127.0.0.1:2181', root: '/r', id: 'w1' };
  t.throws(() => resolveAgentOptions({ ...base, host: 5 as unknown as string }), { instanceOf: AgentArgumentError, message: 'host: expected a string, got number' });
  t.throws(() => resolveAgentOptions({ ...base, pid: Number.NaN }), { instanceOf: AgentArgumentError, message: 'pid: expected a number, got NaN' });
  t.throws(() => resolveAgentOptions({ ...base, meta: new Date() as unknown as Record<string, unknown> }), { instanceOf: AgentArgumentError, message: 'meta: expected a plain object' });
  const o = resolveAgentOptions({ ...base, meta: Object.assign(Object.create(null) as object, { a: 1 }) as Record<string, unknown> });
  t.notThrows(() => encodeWorker({ id: o.id, host: o.host, pid: o.pid, startedAt: 0, heartbeatMs: o.heartbeatMs, state: 'ready', meta: o.meta }));
});
