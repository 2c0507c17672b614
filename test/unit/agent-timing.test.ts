/** Coalescing and heartbeat timing in virtual time (RxJS VirtualTimeScheduler): no real clock, no sleeps. */
import test from 'ava';
import { VirtualTimeScheduler, VirtualAction } from 'rxjs';
import { Coalescer } from '../../agent/coalescer.ts';
import { Heartbeat } from '../../agent/heartbeat.ts';

function virtualTime() {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  /** run everything scheduled up to `ms` */
  const advanceTo = (ms: number) => {
    scheduler.maxFrames = ms;
    scheduler.flush();
  };
  return { scheduler, advanceTo };
}

test('a tight loop of pushes: first written at once, then at most one per window, the last value always written', (t) => {
  const { scheduler, advanceTo } = virtualTime();
  const writes: { at: number; key: string; v: number }[] = [];
  const c = new Coalescer<number>(scheduler, 250, (key, v) => writes.push({ at: scheduler.now(), key, v }));
  for (let i = 1; i <= 1000; i++) c.push('t1', i);
  t.deepEqual(writes, [{ at: 0, key: 't1', v: 1 }]);
  advanceTo(249);
  t.is(writes.length, 1);
  advanceTo(250);
  t.deepEqual(writes.at(-1), { at: 250, key: 't1', v: 1000 });
  // pushes spread over 2 s of virtual time: ≤ 4 writes per second, the final value lands
  let at = 250;
  for (let i = 0; i < 200; i++) {
    at += 10;
    advanceTo(at);
    c.push('t1', 2000 + i);
  }
  advanceTo(at + 1000);
  t.is(writes.at(-1)!.v, 2199);
  const gaps = writes.slice(1).map((w, i) => w.at - writes[i]!.at);
  t.true(gaps.every((g) => g >= 250), gaps.join(','));
  t.true(writes.length <= 2 + Math.ceil((at - 250) / 250) + 1);
});

test('keys are coalesced independently; cancel drops a pending value (a final state supersedes it)', (t) => {
  const { scheduler, advanceTo } = virtualTime();
  const writes: string[] = [];
  const c = new Coalescer<number>(scheduler, 250, (key, v) => writes.push(`${key}=${v}`));
  c.push('a', 1);
  c.push('b', 1);
  c.push('a', 2);
  c.push('b', 2);
  c.cancel('b');
  advanceTo(1000);
  t.deepEqual(writes, ['a=1', 'b=1', 'a=2']);
  c.push('b', 3); // after cancel the window is forgotten: written at once
  t.deepEqual(writes.at(-1), 'b=3');
});

test('heartbeat: beats every period with jitter, stops cleanly', (t) => {
  const { scheduler, advanceTo } = virtualTime();
  const beats: number[] = [];
  let r = 0;
  const randoms = [0, 1 - 1e-9, 0.5];
  const hb = new Heartbeat(scheduler, 1000, 0.1, () => randoms[r++ % 3]!, () => beats.push(scheduler.now()));
  hb.start();
  advanceTo(5000);
  t.deepEqual(beats, [900, 2000, 3000, 3900, 5000]);
  hb.stop();
  t.false(hb.running);
  advanceTo(20_000);
  t.is(beats.length, 5);
});
