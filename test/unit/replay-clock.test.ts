/**
 * The replay's virtual clock driver: marble tests with RxJS's TestScheduler (a VirtualTimeScheduler)
 * for advanceTo (actions run one at a time, up to and including the bound, never past it) and the
 * ReplayScheduler (epoch time, self-requeuing actions, long intervals).
 */
import test from 'ava';
import { interval, map, merge, take, timer, type Notification, type Observable, type ObservableNotification } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { advanceTo, ReplayScheduler } from '../../replay/virtual-clock.ts';

interface Seen {
  frame: number;
  notification: ObservableNotification<string>;
}

function collect(ts: TestScheduler, source: Observable<string>): Seen[] {
  const seen: Seen[] = [];
  source.subscribe({
    next: (value) => seen.push({ frame: ts.frame, notification: { kind: 'N', value } }),
    complete: () => seen.push({ frame: ts.frame, notification: { kind: 'C' } }),
  });
  return seen;
}

const expected = (marbles: string, values?: Record<string, string>): Seen[] =>
  TestScheduler.parseMarbles(marbles, values, undefined, true, false).map((m) => {
    const n = m.notification as Notification<string> as ObservableNotification<string>;
    return { frame: m.frame, notification: n.kind === 'N' ? { kind: 'N', value: n.value } : { kind: 'C' } };
  });

test('advanceTo runs every action due up to the bound, in order, and stops there', async (t) => {
  const ts = new TestScheduler((a, b) => t.deepEqual(a, b));
  const seen = collect(ts, ts.createColdObservable<string>('a-b-c-d|'));
  // (outside run mode a marble character is 10 frames)
  await advanceTo(ts, 45);
  t.deepEqual(seen, expected('a-b-c'));
  t.is(ts.frame, 45);
  await advanceTo(ts, 1000);
  t.deepEqual(seen, expected('a-b-c-d|'));
});

test('advanceTo settles after each action, before the next one runs', async (t) => {
  const ts = new TestScheduler((a, b) => t.deepEqual(a, b));
  const log: string[] = [];
  ts.createColdObservable('ab-c').subscribe((v) => {
    log.push(v);
    // work the action started: a promise that must settle before the next action
    void Promise.resolve().then(() => log.push(`${v} settled`));
  });
  await advanceTo(ts, 100, () => Promise.resolve().then(() => undefined));
  t.deepEqual(log, ['a', 'a settled', 'b', 'b settled', 'c', 'c settled']);
});

test('the tail bound stops an infinite interval: only ticks up to the bound', async (t) => {
  const ts = new TestScheduler((a, b) => t.deepEqual(a, b));
  const seen = collect(ts, interval(30, ts).pipe(map(String)));
  await advanceTo(ts, 100);
  t.deepEqual(seen, expected('---0--1--2', { 0: '0', 1: '1', 2: '2' }));
  t.is(ts.actions.length, 1, 'the next tick is still queued, not run');
});

test('ReplayScheduler: now() is epoch ms from the first event, and never goes backwards', async (t) => {
  const start = 1_700_000_000_000;
  const s = new ReplayScheduler(start);
  t.is(s.now(), start);
  const times: number[] = [];
  merge(timer(1000, s), timer(250, s)).subscribe(() => times.push(s.now()));
  await s.advanceTo(start + 500);
  t.deepEqual(times, [start + 250]);
  t.is(s.now(), start + 500);
  await s.advanceTo(start + 100);
  t.is(s.now(), start + 500, 'an earlier bound runs nothing and keeps the clock');
  await s.advanceTo(start + 2000);
  t.deepEqual(times, [start + 250, start + 1000]);
});

test('ReplayScheduler: an interval running for a virtual day keeps one action (no chain) and unsubscribes cleanly', async (t) => {
  const s = new ReplayScheduler(0);
  let ticks = 0;
  const sub = interval(1000, s).subscribe(() => ticks++);
  await s.advanceTo(86_400_000);
  t.is(ticks, 86_400);
  t.is(s.actions.length, 1);
  t.notThrows(() => sub.unsubscribe());
  t.is(s.actions.length, 0);
});

test('ReplayScheduler: actions due at the same instant run in the order they were scheduled', async (t) => {
  const s = new ReplayScheduler(0);
  const order: string[] = [];
  for (const name of ['a', 'b', 'c']) s.schedule(() => order.push(name), 10);
  interval(5, s).pipe(take(2)).subscribe((i) => order.push(`tick${i}`));
  await s.advanceTo(10);
  t.deepEqual(order, ['tick0', 'a', 'b', 'c', 'tick1']);
});
