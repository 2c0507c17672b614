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
  ['unknown key beside root', '  crawler: {root: /c, layuot: zkpulse}\n', 'config: clusters.crawler.layuot: unknown key (expected root and layout)'],
  ['neither root nor map', '  crawler: [a]\n', 'config: clusters.crawler: expected a root path or {root, layout}'],
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
