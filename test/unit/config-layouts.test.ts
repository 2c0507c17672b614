/** `clusters.<name>: {root, layout}` (docs/contract.md §8): the good forms parse, each bad one is one line naming the key. */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, clusterRootsOf, loadConfig } from '../../collector/config.ts';
import { layoutNames } from '../../contract/layouts.ts';

function load(t: { teardown(fn: () => void): void }, yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-layouts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'zkpulse.yaml');
  writeFileSync(path, `zk: h:1\nclusters:\n${yaml}`);
  return loadConfig({ configFile: path, hostname: 'h' });
}

test('a plain root keeps the zkpulse layout and the config keeps its old shape', (t) => {
  const config = load(t, '  crawler: /apps/crawler\n');
  t.deepEqual(config.clusters, { crawler: '/apps/crawler' });
  t.false('layouts' in config);
  t.deepEqual(clusterRootsOf(config), [{ name: 'crawler', root: '/apps/crawler' }]);
});

test('{root, layout: <built-in name>} names a layout of the registry', (t) => {
  const config = load(t, '  crawler: {root: /apps/crawler, layout: zkpulse}\n  plain: {root: /apps/plain}\n');
  t.deepEqual(config.clusters, { crawler: '/apps/crawler', plain: '/apps/plain' });
  t.is(config.layouts?.crawler?.layout.name, 'zkpulse');
  t.is(config.layouts?.crawler?.configured, 'zkpulse');
  t.is(config.layouts?.plain, undefined);
  const roots = clusterRootsOf(config);
  t.is(roots[0]?.layout?.name, 'zkpulse');
  t.is(roots[1]?.layout, undefined);
});

test('every name of the registry is accepted (names added to it work without a config change)', (t) => {
  for (const name of layoutNames()) {
    const config = load(t, `  c: {root: /c, layout: ${name}}\n`);
    t.is(config.layouts?.c?.layout.name, name);
  }
});

test('an inline custom layout becomes a Layout with its spec kept as configured', (t) => {
  const config = load(
    t,
    [
      '  crawler:',
      '    root: /apps/crawler',
      '    layout:',
      '      leader: {path: election, kind: lowest-child}',
      '      candidates: {path: election, pattern: "n_*"}',
      '      members: {path: workers, pattern: "w-[0-9]*"}',
      '      tasks: {path: jobs}',
      '      status: {path: progress}',
      '      beat: mtime',
      '      data: json',
      '',
    ].join('\n'),
  );
  const layout = config.layouts?.crawler?.layout;
  t.is(layout?.name, 'custom');
  t.is(layout?.leaderRule, 'lowest-candidate');
  t.deepEqual(layout?.capabilities, { heartbeat: true, tasks: true, splitBrain: false });
  t.deepEqual(layout?.classify('workers/w-1'), { role: 'member', id: 'w-1' });
  t.deepEqual(config.layouts?.crawler?.configured, {
    leader: { path: 'election', kind: 'lowest-child' },
    candidates: { path: 'election', pattern: 'n_*' },
    members: { path: 'workers', pattern: 'w-[0-9]*' },
    tasks: { path: 'jobs' },
    status: { path: 'progress' },
    beat: 'mtime',
    data: 'json',
  });
});

const bad: Array<[string, string, string]> = [
  ['unknown layout name', '  crawler: {root: /c, layout: nope}\n', `config: clusters.crawler.layout: unknown layout "nope" (built in: ${layoutNames().join(', ')}; or an inline custom layout)`],
  ['layout of the wrong type', '  crawler: {root: /c, layout: 7}\n', `config: clusters.crawler.layout: expected a layout name (${layoutNames().join(', ')}) or an inline custom layout {leader, candidates, members, ...}`],
  ['bad glob', '  crawler: {root: /c, layout: {members: {path: w, pattern: "w{1,2}"}}}\n', 'config: clusters.crawler.layout.members.pattern: braces {a,b} are not supported: use one pattern per alternative or a class [ab]'],
  ['unclosed class', '  crawler: {root: /c, layout: {members: {path: w, pattern: "w[0-9"}}}\n', 'config: clusters.crawler.layout.members.pattern: has a "[" without its "]"'],
  ['pattern not a string', '  crawler: {root: /c, layout: {members: {path: w, pattern: 5}}}\n', 'config: clusters.crawler.layout.members.pattern: expected a glob on the child names, e.g. "n_*"'],
  ['missing path', '  crawler: {root: /c, layout: {members: {pattern: "*"}}}\n', 'config: clusters.crawler.layout.members.path: missing; give the path relative to the cluster root'],
  ['absolute path', '  crawler: {root: /c, layout: {members: {path: /w}}}\n', 'config: clusters.crawler.layout.members.path: must be relative to the cluster root (no leading "/"), got "/w"'],
  ['unknown key in the layout', '  crawler: {root: /c, layout: {membres: {path: w}}}\n', 'config: clusters.crawler.layout.membres: unknown key (a custom layout has leader, candidates, members, tasks, status, beat, data)'],
  ['unknown key in a section', '  crawler: {root: /c, layout: {members: {path: w, glob: "*"}}}\n', 'config: clusters.crawler.layout.members.glob: unknown key (expected path and pattern)'],
  ['unknown key in the leader', '  crawler: {root: /c, layout: {leader: {path: m, kind: node, id: x}}}\n', 'config: clusters.crawler.layout.leader.id: unknown key (expected path and kind)'],
  ['leader kind missing', '  crawler: {root: /c, layout: {leader: {path: m}}}\n', 'config: clusters.crawler.layout.leader.kind: missing; node or lowest-child'],
  ['leader kind unknown', '  crawler: {root: /c, layout: {leader: {path: m, kind: first}}}\n', 'config: clusters.crawler.layout.leader.kind: expected node or lowest-child, got "first"'],
  ['beat unknown', '  crawler: {root: /c, layout: {members: {path: w}, beat: ctime}}\n', 'config: clusters.crawler.layout.beat: expected mtime or none, got "ctime"'],
  ['data unknown', '  crawler: {root: /c, layout: {members: {path: w}, data: xml}}\n', 'config: clusters.crawler.layout.data: expected json or text or none, got "xml"'],
  ['section not a map', '  crawler: {root: /c, layout: {members: workers}}\n', 'config: clusters.crawler.layout.members: expected {path, pattern}'],
  ['overlapping paths', '  crawler: {root: /c, layout: {members: {path: w}, tasks: {path: w/t}}}\n', 'config: clusters.crawler.layout.tasks.path: "w/t" is inside members.path "w": each role needs a path of its own'],
  ['nothing to watch', '  crawler: {root: /c, layout: {beat: none}}\n', 'config: clusters.crawler.layout: describes nothing to watch: give at least one of leader, candidates, members'],
  ['status without json', '  crawler: {root: /c, layout: {members: {path: w}, status: {path: s}, data: text}}\n', 'config: clusters.crawler.layout.status: progress is read from JSON data: status needs data: json'],
  ['root missing', '  crawler: {layout: zkpulse}\n', 'config: clusters.crawler.root: missing; give the cluster root path, e.g. /apps/crawler'],
  ['root relative', '  crawler: {root: apps, layout: zkpulse}\n', 'config: clusters.crawler.root: root must start with "/"'],
  ['unknown key beside root', '  crawler: {root: /c, layuot: zkpulse}\n', 'config: clusters.crawler.layuot: unknown key (expected root, layout, locks, config and ensemble)'],
  ['neither root nor map', '  crawler: [a]\n', 'config: clusters.crawler: expected a root path or {root, layout, locks, config, ensemble}'],
  ['locks not a list', '  crawler: {root: /c, locks: "locks/*"}\n', 'config: clusters.crawler.locks: expected a list of path globs relative to the cluster root, e.g. [locks/*]'],
  ['a lock glob not a string', '  crawler: {root: /c, layout: kafka, locks: [5]}\n', 'config: clusters.crawler.locks[0]: expected a path glob relative to the cluster root, e.g. "locks/*"'],
  ['a bad lock glob', '  crawler: {root: /c, layout: kafka, locks: [mylocks/*, "jobs/{a,b}"]}\n', 'config: clusters.crawler.locks[1]: segment 2 "{a,b}" braces {a,b} are not supported: use one pattern per alternative or a class [ab]'],
  ['an absolute config glob', '  crawler: {root: /c, layout: kafka, config: [/app/*]}\n', 'config: clusters.crawler.config[0]: must be relative to the cluster root (no leading "/"), got "/app/*"'],
  ['config entry with a bad diff', '  crawler: {root: /c, config: [{path: config/a, diff: yes please}]}\n', 'config: clusters.crawler.config[0].diff: expected true or false'],
  ['config entry with an unknown key', '  crawler: {root: /c, config: [{path: config/a, diffs: true}]}\n', 'config: clusters.crawler.config[0].diffs: unknown key (expected path and diff)'],
  ['config entry without a path', '  crawler: {root: /c, config: [{diff: true}]}\n', 'config: clusters.crawler.config[0].path: missing; give a path glob relative to the cluster root'],
  ['a config glob over the layout\'s own nodes', '  crawler: {root: /c, layout: kafka, config: ["brokers/ids/*"]}\n', 'config: clusters.crawler.config[0]: "brokers/ids/*" may match children of "brokers/ids", watched by the kafka layout: give a path the layout does not use'],
  ['a lock glob over the zkpulse workers', '  crawler: {root: /c, locks: [workers]}\n', 'config: clusters.crawler.locks[0]: "workers" would match "workers", a node of the zkpulse layout: give a path the layout does not use'],
];

for (const [name, yaml, line] of bad) {
  test(`bad layout: ${name} → one line naming the key`, (t) => {
    const err = t.throws(() => load(t, yaml), { instanceOf: ConfigError });
    t.is(err?.message, line);
    t.false(err?.message.includes('\n'));
  });
}

test('--cluster name=root@layout names a built-in layout; name=root keeps zkpulse', (t) => {
  const config = loadConfig({ flags: { zk: 'h:1', cluster: ['a=/x@zkpulse', 'b=/y'] }, hostname: 'h' });
  t.deepEqual(config.clusters, { a: '/x', b: '/y' });
  t.is(config.layouts?.a?.layout.name, 'zkpulse');
  t.is(config.layouts?.b, undefined);
  const err = t.throws(() => loadConfig({ flags: { zk: 'h:1', cluster: ['a=/x@nope'] }, hostname: 'h' }), { instanceOf: ConfigError });
  t.is(err?.message, `--cluster a (layout): unknown layout "nope" (built in: ${layoutNames().join(', ')}; or an inline custom layout)`);
});

test('locks and config globs wrap the layout, are kept as configured, and work on a plain zkpulse root too', (t) => {
  const config = load(t, '  latch: {root: /l, layout: curator-leader-latch, locks: ["locks/*"], config: [app/*, {path: app2/flags, diff: true}]}\n  plain: {root: /p, config: [{path: config/flags, diff: true}]}\n  bare: /b\n');
  const latch = config.layouts?.latch;
  t.is(latch?.configured, 'curator-leader-latch');
  t.deepEqual(latch?.recipes, { locks: ['locks/*'], config: ['app/*', { path: 'app2/flags', diff: true }] });
  t.deepEqual(latch?.layout.classify('locks/n/lock-0000000001'), { role: 'lock-contender', lock: 'locks/n', node: 'lock-0000000001', seq: 1, mode: 'exclusive' });
  t.deepEqual(latch?.layout.classify('app/db'), { role: 'config', key: 'app/db' });
  t.like(latch?.layout.capabilities, { locks: true, config: true });
  t.is(config.layouts?.plain?.configured, 'zkpulse');
  t.true(config.layouts?.plain?.layout.configDiff?.('config/flags'));
  t.is(config.layouts?.bare, undefined);
  t.is(clusterRootsOf(config).find((c) => c.name === 'plain')?.layout, config.layouts?.plain?.layout);
});
