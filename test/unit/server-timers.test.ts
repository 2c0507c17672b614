import test from 'ava';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { Timers, withDeadline } from '../../server/timers.ts';

/** A virtual clock that runs what is due up to `ms` when told to. */
function clock() {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  return {
    scheduler,
    advanceTo(ms: number) {
      scheduler.maxFrames = ms;
      scheduler.flush();
    },
  };
}

test('Timers.later runs on the injected scheduler, at its time, once', (t) => {
  const c = clock();
  const timers = new Timers(c.scheduler);
  const ran: number[] = [];
  timers.later(1000, () => ran.push(c.scheduler.now()));
  timers.later(-5, () => ran.push(c.scheduler.now()));
  c.advanceTo(999);
  t.deepEqual(ran, [0], 'a negative delay is no delay; the 1 s one is not due yet');
  c.advanceTo(5000);
  t.deepEqual(ran, [0, 1000]);
});

test('Timers.cancelAll cancels what is pending and whatever is asked for afterwards', (t) => {
  const c = clock();
  const timers = new Timers(c.scheduler);
  const ran: string[] = [];
  timers.later(1000, () => ran.push('before'));
  timers.cancelAll();
  timers.later(10, () => ran.push('after'));
  c.advanceTo(10_000);
  t.deepEqual(ran, []);
});

test('Timers: a timer that ran is dropped, so a retry chain keeps nothing behind', (t) => {
  const c = clock();
  const timers = new Timers(c.scheduler);
  let runs = 0;
  const retry = () => {
    runs++;
    if (runs < 1000) timers.later(1000, retry);
  };
  timers.later(1000, retry);
  c.advanceTo(2_000_000);
  t.is(runs, 1000);
  // what the Timers hold: the pending Subscription's children (RxJS keeps them in `_finalizers`)
  const held = (timers as unknown as { pending: { _finalizers: unknown[] | null } }).pending._finalizers;
  t.is(held?.length ?? 0, 0);
});

test('withDeadline: true when the work settles first (also by failing), false once the scheduler passes the deadline', async (t) => {
  const c = clock();
  t.true(await withDeadline(Promise.resolve(), 1000, c.scheduler));
  t.true(await withDeadline(Promise.reject(new Error('gone')), 1000, c.scheduler));
  const never = new Promise<void>(() => undefined);
  const cut = withDeadline(never, 2000, c.scheduler);
  let settled: boolean | null = null;
  void cut.then((v) => (settled = v));
  c.advanceTo(1999);
  await Promise.resolve();
  t.is(settled, null, 'not before the deadline, however long the wall clock takes');
  c.advanceTo(2000);
  t.false(await cut);
});
