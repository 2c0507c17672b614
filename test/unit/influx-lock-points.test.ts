/** The `lock` and `config` points (docs/contract.md §4, §9) and the lock/config `event` points, through the pipeline. */
import test from 'ava';
import { encodePoint, type Point } from '../../collector/influx/line-protocol.ts';
import { gaugePoints } from '../../collector/influx/points.ts';
import { initialModels, layoutsOf, stepEvent, type Models } from '../../collector/pipeline.ts';
import { SEQUENCE_REPORT_FLOOR } from '../../contract/sequence-floor.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { lockTestLayout } from '../support/lock-layout.ts';
import { CLUSTER, node, synced } from '../support/lock-events.ts';

const CLUSTERS = [{ name: CLUSTER, root: '/apps/crawler', layout: lockTestLayout }];
const S1 = '00000000000000a1';
const S2 = '00000000000000a2';
const L = 'locks/nightly';
const lines = (points: Point[]) => points.map((p) => encodePoint(p) ?? 'null');
const of = (points: Point[], m: string) => lines(points.filter((p) => p.measurement === m));

/** Steps every event; the points of each step, in order. */
function run(events: WatchEvent[], models: Models = initialModels(CLUSTERS)) {
  const steps: Point[][] = [];
  let current = models;
  for (const e of events) {
    const step = stepEvent(current, e, { now: 99_999_999, layouts: layoutsOf(CLUSTERS) });
    current = step.models;
    steps.push(step.points);
  }
  return { models: current, steps };
}

test('lock points at each change: a holder, a new waiter (no domain event), the next holder, the lock freed', (t) => {
  const { steps } = run([
    synced(1000),
    node('added', `${L}/lock-0000000001`, { owner: 'job-a' }, { czxid: 11, time: 2000, owner: S1 }),
    node('added', `${L}/lock-0000000002`, 'job b', { czxid: 12, time: 3000, owner: S2 }),
    node('removed', `${L}/lock-0000000001`, { owner: 'job-a' }, { czxid: 11, ctime: 2000, time: 9000, owner: S1 }),
    node('removed', `${L}/lock-0000000002`, 'job b', { czxid: 12, ctime: 3000, time: 9500, owner: S2 }),
  ]);
  t.deepEqual(steps.map((p) => of(p, 'lock')), [
    [],
    ['lock,cluster=crawler,lock=locks/nightly holder="lock-0000000001",owner="job-a",waiters=0i,held_ms=0 2000000000'],
    ['lock,cluster=crawler,lock=locks/nightly holder="lock-0000000001",owner="job-a",waiters=1i,held_ms=1000 3000000000'],
    ['lock,cluster=crawler,lock=locks/nightly holder="lock-0000000002",owner="job b",waiters=0i,held_ms=0 9000000000'],
    ['lock,cluster=crawler,lock=locks/nightly holder="",owner="",waiters=0i,held_ms=0 9500000000'],
  ]);
  t.deepEqual(of(steps[3]!, 'event'), [
    'event,cluster=crawler,kind=LockReleased subject="locks/nightly",text="lock locks/nightly released by job-a (lock-0000000001) after 7.0 s" 9000000000',
    'event,cluster=crawler,kind=LockAcquired subject="locks/nightly",text="lock locks/nightly acquired by job b (lock-0000000002, session 00000000000000a2); 0 waiting" 9000000000',
  ]);
});

test('the periodic snapshot writes every lock, its held_ms growing between changes', (t) => {
  const { models } = run([synced(1000), node('added', `${L}/lock-0000000001`, { owner: 'a' }, { czxid: 11, time: 2000, owner: S1 })]);
  const model = models.get(CLUSTER)!;
  t.deepEqual(of(gaugePoints(model, 12_000), 'lock'), ['lock,cluster=crawler,lock=locks/nightly holder="lock-0000000001",owner="a",waiters=0i,held_ms=10000 12000000000']);
  t.deepEqual(of(gaugePoints(model, 22_000), 'lock'), ['lock,cluster=crawler,lock=locks/nightly holder="lock-0000000001",owner="a",waiters=0i,held_ms=20000 22000000000']);
});

test('config points and ConfigChanged events: key, version, bytes, digest — the data nowhere', (t) => {
  const digest = 'c'.repeat(64);
  const secret = 'password=hunter2';
  const { steps } = run([
    synced(1000),
    // the watch layer fingerprints and drops the data; here one that did not drop it: still written nowhere
    { ...node('added', 'config/db', null, { czxid: 40, version: 0, time: 2000, dataLength: 16, config: { digest } }), data: secret },
    node('changed', 'config/db', null, { czxid: 40, version: 1, time: 3000, dataLength: 17, config: { digest: null } }),
    node('removed', 'config/db', null, { czxid: 40, version: 1, time: 4000 }),
  ]);
  t.deepEqual(steps.map((p) => of(p, 'config')), [
    [],
    [`config,cluster=crawler,key=config/db version=0i,bytes=16i,digest="${digest}" 2000000000`],
    ['config,cluster=crawler,key=config/db version=1i,bytes=17i,digest="" 3000000000'],
    ['config,cluster=crawler,key=config/db version=-1i,bytes=0i,digest="" 4000000000'],
  ]);
  t.deepEqual(of(steps[1]!, 'event'), [
    'event,cluster=crawler,kind=ConfigChanged subject="config/db",text="config config/db at version 0 (16 bytes, sha256 cccccccccccc)" 2000000000',
  ]);
  t.deepEqual(of(steps[3]!, 'event'), ['event,cluster=crawler,kind=ConfigChanged subject="config/db",text="config config/db deleted" 4000000000']);
  t.false(steps.flat().some((p) => (encodePoint(p) ?? '').includes('hunter2')));
});

test('the pipeline passes a sequence event to the reducer', (t) => {
  const high = SEQUENCE_REPORT_FLOOR + 1;
  const { models, steps } = run([{ kind: 'sequence', cluster: CLUSTER, path: 'locks/nightly', cversion: high, time: 1000 }]);
  t.is(models.get(CLUSTER)!.sequences.get('locks/nightly'), high);
  t.deepEqual(steps, [[]]);
});
