import test from 'ava';
import { checkCustomLayout, customLayout, type CustomLayoutSpec } from '../../contract/custom-layout.ts';

const crawler: CustomLayoutSpec = {
  leader: { path: 'leader', kind: 'node' },
  candidates: { path: 'election', pattern: 'n_*' },
  members: { path: 'pool/workers', pattern: 'w-*' },
  tasks: { path: 'jobs' },
  status: { path: 'progress' },
  beat: 'mtime',
  data: 'json',
};

test('customLayout classifies by path and pattern', (t) => {
  const layout = customLayout(crawler);
  t.is(layout.name, 'custom');
  t.deepEqual(layout.classify(''), { role: 'root' });
  t.deepEqual(layout.classify('leader'), { role: 'leader' });
  t.deepEqual(layout.classify('election/n_0000000007'), { role: 'candidate', node: 'n_0000000007', seq: 7 });
  t.deepEqual(layout.classify('election/x_0000000007'), { role: 'other' });
  t.deepEqual(layout.classify('pool/workers/w-1'), { role: 'member', id: 'w-1' });
  t.deepEqual(layout.classify('pool/workers/lock'), { role: 'other' });
  t.deepEqual(layout.classify('pool/workers'), { role: 'container', holds: 'member' });
  t.deepEqual(layout.classify('pool'), { role: 'other' });
  t.deepEqual(layout.classify('pool/workers/w-1/deeper'), { role: 'other' });
  t.deepEqual(layout.classify('jobs/t1'), { role: 'task', task: 't1' });
  t.deepEqual(layout.classify('progress/t1'), { role: 'status', task: 't1' });
  t.deepEqual(layout.watch, {
    containers: [
      { path: 'election', depth: 1 },
      { path: 'pool/workers', depth: 1 },
      { path: 'jobs', depth: 1 },
      { path: 'progress', depth: 1 },
    ],
    leaves: ['leader'],
  });
  t.is(layout.paths.member('w-1'), 'pool/workers/w-1');
  t.deepEqual(layout.capabilities, { heartbeat: true, tasks: true, splitBrain: false });
  t.is(layout.leaderRule, 'node');
});

test('a lowest-child leader: its children are the candidates, ordered by the trailing sequence, never the name', (t) => {
  const layout = customLayout({ leader: { path: '', kind: 'lowest-child' }, candidates: { path: '.', pattern: '*-lock-*' } });
  t.is(layout.leaderRule, 'lowest-candidate');
  t.deepEqual(layout.watch, { containers: [{ path: '', depth: 1 }], leaves: [] });
  // a UUID prefix that sorts first by name has the higher sequence
  t.deepEqual(layout.classify('0000-lock-0000000009'), { role: 'candidate', node: '0000-lock-0000000009', seq: 9 });
  t.deepEqual(layout.classify('ffff-lock-0000000002'), { role: 'candidate', node: 'ffff-lock-0000000002', seq: 2 });
  t.deepEqual(layout.classify('other'), { role: 'other' });
  t.deepEqual(layout.capabilities, { heartbeat: false, tasks: false, splitBrain: false });
});

test('data: json reads the fields it knows leniently; text: the id is the text; none: nothing is read', (t) => {
  const json = customLayout({ members: { path: 'm' } }).decode;
  const member = json.member('{"id":"w1","host":"h","extra":1}', 30);
  t.true(member.ok && member.value.id === 'w1' && member.value.host === 'h' && member.value.pid === null);
  t.false(json.member('not json', 8).ok);

  const text = customLayout({ leader: { path: 'l', kind: 'node' }, members: { path: 'm' }, data: 'text' }).decode;
  t.deepEqual(text.leader('host-7:9092\n', 12), { ok: true, value: { id: 'host-7:9092', since: null } });
  t.deepEqual(text.candidate('', 0), { ok: true, value: { id: null } });
  const big = text.member(null, 1_000_000);
  t.false(big.ok);

  const none = customLayout({ members: { path: 'm' }, data: 'none' }).decode;
  t.deepEqual(none.leader('{"id":"x"}', 10), { ok: true, value: { id: null, since: null } });
  t.is(none.task('{"a":1}'), null);
});

const problems: Array<[string, CustomLayoutSpec, string[], string]> = [
  ['absolute path', { members: { path: '/workers' } }, ['members', 'path'], 'must be relative to the cluster root (no leading "/"), got "/workers"'],
  ['dot-dot', { members: { path: 'a/../b' } }, ['members', 'path'], 'must not contain "." or ".." segments, got "a/../b"'],
  ['bad glob', { members: { path: 'w', pattern: 'a{b}' } }, ['members', 'pattern'], 'braces {a,b} are not supported: use one pattern per alternative or a class [ab]'],
  ['same path', { candidates: { path: 'w' }, members: { path: 'w' } }, ['members', 'path'], '"w" is the same path as candidates.path "w": each role needs a path of its own'],
  ['nested path', { members: { path: 'w' }, tasks: { path: 'w/t' } }, ['tasks', 'path'], '"w/t" is inside members.path "w": each role needs a path of its own'],
  ['nothing to watch', { tasks: { path: 't' } }, [], 'describes nothing to watch: give at least one of leader, candidates, members'],
  ['status without json', { members: { path: 'w' }, status: { path: 's' }, data: 'text' }, ['status'], 'progress is read from JSON data: status needs data: json'],
  ['root leader node', { leader: { path: '', kind: 'node' } }, ['leader', 'path'], 'a leader node must be below the cluster root, not the root itself'],
  [
    'candidates apart from a lowest-child leader',
    { leader: { path: 'e', kind: 'lowest-child' }, candidates: { path: 'c' } },
    ['candidates', 'path'],
    'with leader.kind lowest-child the candidates are the children of leader.path "e": give the same path or leave candidates out',
  ],
];

for (const [name, spec, key, reason] of problems) {
  test(`checkCustomLayout: ${name}`, (t) => {
    t.deepEqual(checkCustomLayout(spec), { key, reason });
    t.throws(() => customLayout(spec), { message: `custom layout: ${['layout', ...key].join('.')}: ${reason}` });
  });
}
