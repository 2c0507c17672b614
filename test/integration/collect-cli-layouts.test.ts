/**
 * `zkpulse collect --config` with a custom layout (docs/contract.md §8), as a process against the test
 * ZooKeeper: nodes written by a plain client (not zkpulse's agent) in an in-house layout show up as the
 * leader and members in the API, with the rules that layout can feed; a bad layout is one line and exit 2.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlainZk } from '../support/plain-zk.ts';
import { until } from '../support/poll.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { startTestCollector } from '../support/collector.ts';
import { runZkpulse, ZKPULSE_BIN as BIN } from '../support/cli.ts';

/** the CLI starts through tsx (seconds on a busy machine), then connects and syncs */
const START_MS = 60_000;

function tempYaml(t: { teardown(fn: () => void): void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-layout-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'zkpulse.yaml');
  writeFileSync(path, text);
  return path;
}

interface ClusterDetail {
  layout: string;
  synced: boolean;
  master: { id: string | null } | null;
  candidates: Array<{ node: string; seq: number; id: string | null }>;
  workers: Array<{ id: string; up: boolean }>;
  rules: Array<{ name: string; applies: boolean; reason?: string }>;
}

test('collect --config with a custom layout: the API shows its leader, candidates, members and which rules apply', async (t) => {
  const zk = await sharedZooKeeper();
  const root = `/inhouse-${process.pid}-${Date.now()}`;
  const plain = await PlainZk.connect(zk);
  t.teardown(() => plain.close());
  // an in-house program's znodes, written the way it writes them: text ids, a leader node, a pool
  await plain.mkdirp(`${root}/pool/members`);
  await plain.mkdirp(`${root}/election`);
  await plain.create(`${root}/leader`, 'node-a', 'ephemeral');
  await plain.create(`${root}/election/n_`, 'node-a', 'sequential');
  await plain.create(`${root}/election/n_`, 'node-b', 'sequential');
  await plain.create(`${root}/pool/members/m-1`, 'm-1', 'ephemeral');
  await plain.create(`${root}/pool/members/m-2`, 'm-2', 'ephemeral');
  // not a member: the pattern leaves it out
  await plain.create(`${root}/pool/members/lock`, 'x', 'ephemeral');

  const config = tempYaml(
    t,
    [
      `zk: ${zk}`,
      'clusters:',
      '  inhouse:',
      `    root: ${root}`,
      '    layout:',
      '      leader: {path: leader, kind: node}',
      '      candidates: {path: election, pattern: "n_*"}',
      '      members: {path: pool/members, pattern: "m-[0-9]*"}',
      '      beat: none',
      '      data: text',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [BIN, 'collect', '--config', config, '--http', '127.0.0.1:0', '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await until(
    'the collector to listen',
    async () => {
      for (const line of out.split('\n')) {
        if (!line.includes('zkpulse collector listening')) continue;
        return (JSON.parse(line) as { url: string }).url;
      }
      if (child.exitCode !== null) throw new Error(`collect exited ${child.exitCode}: ${err}`);
      return null;
    },
    (u): u is string => typeof u === 'string',
    START_MS,
  );

  const detail = await until(
    'the custom cluster synced with its members',
    async () => (await (await fetch(`${url}/api/clusters/inhouse`)).json()) as ClusterDetail,
    (d) => d.synced && d.workers.length === 2 && d.candidates.length === 2 && d.master !== null,
    START_MS,
  );
  t.is(detail.layout, 'custom');
  t.is(detail.master?.id, 'node-a');
  t.deepEqual(detail.workers.map((w) => [w.id, w.up]), [['m-1', true], ['m-2', true]]);
  t.deepEqual(detail.candidates.map((c) => c.id), ['node-a', 'node-b']);
  t.true(detail.candidates[0]!.seq < detail.candidates[1]!.seq);
  const rules = Object.fromEntries(detail.rules.map((r) => [r.name, r]));
  t.deepEqual(rules.HeartbeatStale, { name: 'HeartbeatStale', applies: false, reason: 'the custom layout has no heartbeat (its members do not rewrite their nodes)' });
  t.deepEqual(rules.TaskOrphaned, { name: 'TaskOrphaned', applies: false, reason: 'the custom layout has no tasks' });
  t.deepEqual(rules.SplitBrain, { name: 'SplitBrain', applies: false, reason: 'the custom layout cannot show two leaders at once' });
  t.deepEqual(rules.WorkerLost, { name: 'WorkerLost', applies: true });
  t.deepEqual(rules.MasterMissing, { name: 'MasterMissing', applies: true });

  const list = (await (await fetch(`${url}/api/clusters`)).json()) as Array<{ name: string; layout: string }>;
  t.deepEqual(list.map((c) => [c.name, c.layout]), [['inhouse', 'custom']]);

  // a member's node gone (its process died): the model shows it down
  await plain.remove(`${root}/pool/members/m-2`);
  const after = await until(
    'm-2 down',
    async () => (await (await fetch(`${url}/api/clusters/inhouse`)).json()) as ClusterDetail,
    (d) => d.workers.some((w) => w.id === 'm-2' && !w.up),
    START_MS,
  );
  t.deepEqual(after.workers.map((w) => [w.id, w.up]), [['m-1', true], ['m-2', false]]);
});

const run = runZkpulse;

const badLayouts: Array<[string, string, string]> = [
  ['a bad glob', 'members: {path: workers, pattern: "w-{1,2}"}', 'config: clusters.crawler.layout.members.pattern: braces {a,b} are not supported: use one pattern per alternative or a class [ab]'],
  ['a missing path', 'members: {pattern: "w-*"}', 'config: clusters.crawler.layout.members.path: missing; give the path relative to the cluster root'],
];

for (const [name, layout, line] of badLayouts) {
  test(`collect --config with ${name} in a custom layout: one stderr line naming the key, exit 2`, async (t) => {
    const config = tempYaml(t, `zk: 127.0.0.1:1\nclusters:\n  crawler:\n    root: /apps/crawler\n    layout: {${layout}}\n`);
    const result = await run(['collect', '--config', config]);
    t.is(result.code, 2);
    t.is(result.stderr, `${line}\n`);
    t.is(result.stdout, '');
  });
}

test('a custom layout whose members are the children of the root itself: watched like any container', async (t) => {
  const root = uniqueRoot(t);
  const plain = await PlainZk.connect(await sharedZooKeeper());
  await plain.mkdirp(root);
  // a kazoo-Party-like pool: members straight under R, beside nodes that are not members
  await plain.create(`${root}/m-1`, '', 'ephemeral');
  await plain.create(`${root}/m-2`, '', 'ephemeral');
  await plain.create(`${root}/config`, 'x');
  const collector = await startTestCollector({ clusters: { pool: { root, layout: { members: { path: '', pattern: 'm-*' }, data: 'none' } } } });
  t.teardown(async () => {
    await collector.stop();
    await plain.close();
  });
  await collector.whenSynced();
  const ids = () => (collector.data.model('pool')?.workers.valueSeq().filter((w) => w.up).map((w) => w.id).toArray() ?? []).sort();
  t.deepEqual(ids(), ['m-1', 'm-2']);
  // a new member and a lost one are seen by the watch on R's children
  await plain.create(`${root}/m-3`, '', 'ephemeral');
  await plain.remove(`${root}/m-1`);
  await until('m-3 up and m-1 down', () => Promise.resolve(ids()), (up) => up.join() === 'm-2,m-3');
  t.is(collector.data.model('pool')?.workers.get('m-1')?.up, false);
  t.is(collector.data.model('pool')?.workers.has('config'), false);
});
