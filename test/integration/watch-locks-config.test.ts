/**
 * Locks, configuration keys and sequence counters in the watch layer against a real ZooKeeper
 * (docs/contract.md §9): config changes by a plain client give fingerprints and never the data (nor does a
 * recording of them), a diff key gives field digests, a lock glob on a foreign layout reports contenders, and
 * a container's cversion is reported from the floor up and once when it is gone.
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplaySubject } from 'rxjs';
import { ZkSession } from '../../zk/session.ts';
import { ClusterWatch } from '../../collector/watch/cluster-watch.ts';
import type { NodeEvent, SequenceEvent, WatchEvent } from '../../collector/watch/events.ts';
import { Recorder } from '../../collector/recorder.ts';
import { parseRecordLine } from '../../collector/record-schema.ts';
import type { Layout } from '../../contract/layout.ts';
import { layoutNamed } from '../../contract/layouts.ts';
import { withLocksAndConfig } from '../../contract/locks-and-config.ts';
import { zkpulseLayout } from '../../contract/zkpulse/layout.ts';
import { zkpulsePaths } from '../../contract/zkpulse/paths.ts';
import { encodeLockContender } from '../../contract/zkpulse/data.ts';
import { sharedZooKeeper, uniqueRoot } from '../support/services.ts';
import { PlainZk } from '../support/plain-zk.ts';
import { awaitEvent } from '../support/await-event.ts';
import { runZkpulse } from '../support/cli.ts';

/** what a watch event waits for here: a few round trips to a local server, with room for a busy machine */
const EVENT_MS = 20_000;

interface Watching {
  seen: WatchEvent[];
  events$: ReplaySubject<WatchEvent>;
}

async function watchRoot(t: { teardown(fn: () => Promise<void> | void): void }, root: string, layout: Layout, opts: { sequenceFloor?: number; record?: Recorder } = {}): Promise<Watching> {
  const session = new ZkSession({ connectString: await sharedZooKeeper(), sessionTimeout: 10_000, probeIntervalMs: 500, probeTimeoutMs: 1000, now: Date.now });
  const watch = new ClusterWatch({ session, clusters: [{ name: 'c', root, layout }], maxDataBytes: 65_536, now: Date.now, sequenceFloor: opts.sequenceFloor });
  const seen: WatchEvent[] = [];
  const events$ = new ReplaySubject<WatchEvent>();
  watch.events$.subscribe((e) => {
    seen.push(e);
    events$.next(e);
    opts.record?.record(e);
  });
  t.teardown(() => watch.stop());
  watch.start();
  await awaitEvent(events$, (e) => e.kind === 'synced', EVENT_MS, 'first sync');
  return { seen, events$ };
}

async function plain(t: { teardown(fn: () => Promise<void> | void): void }): Promise<PlainZk> {
  const zk = await PlainZk.connect(await sharedZooKeeper());
  t.teardown(() => zk.close());
  return zk;
}

const isNode = (e: WatchEvent): e is NodeEvent => e.kind === 'added' || e.kind === 'changed' || e.kind === 'removed';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('config keys changed by a plain client: version, size and digest, never the data (nor in a recording)', async (t) => {
  const root = uniqueRoot(t);
  const p = zkpulsePaths(root);
  const zk = await plain(t);
  await zk.mkdirp(p.config);
  const first = 'postgres://app:s3cr3t-one@db:5432/app';
  await zk.create(p.configKey('db-url'), first);
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-config-rec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rec.ndjson');
  const recorder = new Recorder(file, { roots: { c: root } });
  const w = await watchRoot(t, root, zkpulseLayout, { record: recorder });

  const added = (await awaitEvent(w.events$, (e) => isNode(e) && e.path === 'config/db-url', EVENT_MS, 'the config key')) as NodeEvent;
  t.is(added.kind, 'added');
  t.is(added.data, null);
  t.false('dataBase64' in added);
  t.deepEqual(added.config, { digest: sha256(first) });
  t.is(added.stat.dataLength, Buffer.byteLength(first));

  const second = 'postgres://app:s3cr3t-two@db:5432/app?sslmode=require';
  await zk.set(p.configKey('db-url'), second);
  const changed = (await awaitEvent(w.events$, (e) => isNode(e) && e.kind === 'changed' && e.path === 'config/db-url', EVENT_MS, 'the change')) as NodeEvent;
  t.deepEqual(changed.config, { digest: sha256(second) });
  t.is(changed.stat.version, 1);
  t.is(changed.stat.dataLength, Buffer.byteLength(second));
  t.is(changed.data, null);

  await zk.remove(p.configKey('db-url'));
  const removed = (await awaitEvent(w.events$, (e) => isNode(e) && e.kind === 'removed' && e.path === 'config/db-url', EVENT_MS, 'the removal')) as NodeEvent;
  t.is(removed.data, null);
  t.deepEqual(removed.config, { digest: sha256(second) });

  await recorder.close();
  const text = readFileSync(file, 'utf8');
  for (const secret of ['s3cr3t-one', 's3cr3t-two', Buffer.from('s3cr3t').toString('base64').slice(0, 8)]) t.false(text.includes(secret), `the recording holds ${secret}`);
  t.true(text.includes(sha256(second)));
  // every line is one the replay reads back, the fingerprint with it
  const lines = text.trim().split('\n').map(parseRecordLine);
  t.true(lines.every((l) => l.ok));
  t.true(lines.some((l) => l.ok && isNode(l.event) && l.event.config?.digest === sha256(second)));
});

test('a config key with diff on gives a digest per top-level field; only the changed field moves', async (t) => {
  const root = uniqueRoot(t);
  const zk = await plain(t);
  await zk.mkdirp(`${root}/app`);
  await zk.create(`${root}/app/flags`, JSON.stringify({ token: 'tok-AAAA', retries: 3 }));
  const layout = withLocksAndConfig(layoutNamed('kafka') as Layout, { config: [{ path: 'app/flags', diff: true }, 'app/plain'] });
  await zk.create(`${root}/app/plain`, JSON.stringify({ token: 'tok-CCCC' }));
  const w = await watchRoot(t, root, layout);
  const added = (await awaitEvent(w.events$, (e) => isNode(e) && e.path === 'app/flags', EVENT_MS, 'the diff key')) as NodeEvent;
  t.deepEqual(Object.keys(added.config?.fields ?? {}).sort(), ['retries', 'token']);
  const plainKey = (await awaitEvent(w.events$, (e) => isNode(e) && e.path === 'app/plain', EVENT_MS, 'the plain key')) as NodeEvent;
  t.is(plainKey.config?.fields, undefined);
  t.is(plainKey.data, null);

  await zk.set(`${root}/app/flags`, JSON.stringify({ token: 'tok-BBBB', retries: 3 }));
  const changed = (await awaitEvent(w.events$, (e) => isNode(e) && e.kind === 'changed' && e.path === 'app/flags', EVENT_MS, 'the change')) as NodeEvent;
  t.not(changed.config?.fields?.token, added.config?.fields?.token);
  t.is(changed.config?.fields?.retries, added.config?.fields?.retries);
  t.is(changed.data, null);
  t.false(JSON.stringify(w.seen).includes('tok-'));
});

test('a lock glob on a curator-leader-latch cluster reports its contenders; nodes no glob matches are not read', async (t) => {
  const root = uniqueRoot(t);
  const zk = await plain(t);
  const latch = layoutNamed('curator-leader-latch') as Layout;
  const layout = withLocksAndConfig(latch, { locks: ['locks/*', 'jobs/*/lock'] });
  await zk.mkdirp(`${root}/locks/nightly`);
  await zk.mkdirp(`${root}/jobs/j1/lock`);
  await zk.mkdirp(`${root}/jobs/j1/other`);
  await zk.create(`${root}/locks/nightly/_c_0f1e-lock-`, encodeLockContender({ owner: 'a' }), 'sequential');
  const w = await watchRoot(t, root, layout);
  await zk.create(`${root}/locks/nightly/_c_0f1f-lock-`, encodeLockContender({ owner: 'b' }), 'sequential');
  // under jobs/<j>/ only "lock" is a lock: the filter keeps the watch off jobs/j1/other
  await zk.create(`${root}/jobs/j1/other/lock-0000000001`, 'x');
  await zk.create(`${root}/jobs/j1/lock/lock-`, encodeLockContender({ owner: 'j' }), 'sequential');
  const contenders: string[] = [];
  await awaitEvent(
    w.events$,
    (e) => {
      if (isNode(e) && e.kind === 'added') {
        const node = layout.classify(e.path);
        if (node.role === 'lock-contender') contenders.push(`${node.lock} ${node.seq} ${node.node.slice(0, 9)}`);
      }
      return contenders.length === 3;
    },
    EVENT_MS,
    'three contenders',
  );
  t.deepEqual(contenders.sort(), ['jobs/j1/lock 0 lock-0000', 'locks/nightly 0 _c_0f1e-l', 'locks/nightly 1 _c_0f1f-l']);
  // the probe: a node created after the unwatched one is seen, so the unwatched one had its chance
  await zk.create(`${root}/locks/nightly/_c_0f20-lock-`, encodeLockContender({ owner: 'c' }), 'sequential');
  await awaitEvent(w.events$, (e) => isNode(e) && e.path.includes('_c_0f20-lock-'), EVENT_MS, 'the third contender');
  t.false(w.seen.some((e) => isNode(e) && e.path.startsWith('jobs/j1/other')), 'a node no glob matches was read');
});

test('sequence counters: reported from the floor up, on change only, none below it, and once when the parent is gone', async (t) => {
  const root = uniqueRoot(t);
  const p = zkpulsePaths(root);
  const zk = await plain(t);
  await zk.mkdirp(p.lock('busy'));
  await zk.mkdirp(p.lock('quiet'));
  const floor = 20;
  const w = await watchRoot(t, root, zkpulseLayout, { sequenceFloor: floor });
  await zk.create(`${p.lock('quiet')}/lock-0000000001`, 'x');
  // each create and each delete of a child adds one to the parent's cversion
  for (let i = 0; i < 12; i++) {
    await zk.create(`${p.lock('busy')}/n${i}`, null);
    await zk.remove(`${p.lock('busy')}/n${i}`);
  }
  const last = (await awaitEvent(w.events$, (e) => e.kind === 'sequence' && e.path === 'locks/busy' && e.cversion === 24, EVENT_MS, 'cversion 24')) as SequenceEvent;
  t.is(last.cluster, 'c');
  const busy = w.seen.filter((e): e is SequenceEvent => e.kind === 'sequence' && e.path === 'locks/busy');
  t.true(busy.length >= 1);
  for (const e of busy) t.true((e.cversion as number) >= floor, `reported ${e.cversion} below the floor`);
  // on a change only: every report a new value, in order
  const values = busy.map((e) => e.cversion as number);
  t.deepEqual(values, [...new Set(values)].sort((a, b) => a - b));
  t.false(w.seen.some((e) => e.kind === 'sequence' && e.path !== 'locks/busy'), 'a parent below the floor was reported');

  await zk.remove(p.lock('busy'));
  const gone = (await awaitEvent(w.events$, (e) => e.kind === 'sequence' && e.path === 'locks/busy' && e.cversion === null, EVENT_MS, 'the parent gone')) as SequenceEvent;
  t.is(gone.cversion, null);
  // re-created with a fresh counter (below the floor): nothing more; the probe shows the watcher saw it
  await zk.create(p.lock('busy'), null);
  await zk.create(`${p.lock('busy')}/lock-0000000001`, 'x');
  await awaitEvent(w.events$, (e) => isNode(e) && e.path === 'locks/busy/lock-0000000001', EVENT_MS, 'the re-created lock');
  t.is(w.seen.filter((e) => e.kind === 'sequence' && e.path === 'locks/busy' && e.cversion === null).length, 1);
  t.is(w.seen.filter((e) => e.kind === 'sequence').at(-1), gone);
});

const badGlobs: Array<[string, string, string]> = [
  ['a bad lock glob', 'layout: curator-leader-latch\n    locks: ["locks/[a-"]', 'config: clusters.crawler.locks[0]: segment 2 "[a-" has a "[" without its "]"'],
  ['a config glob over the workers', 'config: ["workers/*"]', 'config: clusters.crawler.config[0]: "workers/*" may match children of "workers", watched by the zkpulse layout: give a path the layout does not use'],
];
for (const [name, yaml, line] of badGlobs) {
  test(`collect --config with ${name}: one stderr line naming the key, exit 2`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'zkpulse-globs-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'zkpulse.yaml');
    writeFileSync(config, `zk: 127.0.0.1:1\nclusters:\n  crawler:\n    root: /apps/crawler\n    ${yaml}\n`);
    const result = await runZkpulse(['collect', '--config', config]);
    t.is(result.code, 2);
    t.is(result.stderr, `${line}\n`);
    t.is(result.stdout, '');
  });
}
