import test from 'ava';
import { ReadLimiter } from '../../collector/watch/read-limiter.ts';

test('at most max reads hold a slot at once, all of them run, in order of arrival', (t) => {
  const limiter = new ReadLimiter(3);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const answers: (() => void)[] = [];
  for (let i = 0; i < 10; i++) {
    limiter.acquire(() => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      // the read is answered later, when the test says so
      answers.push(() => {
        running--;
        limiter.release();
      });
    });
  }
  t.deepEqual(started, [0, 1, 2]);
  while (answers.length > 0) {
    t.true(running <= 3);
    answers.shift()!();
  }
  t.is(peak, 3);
  t.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.true(limiter.tryAcquire(), 'every slot came back');
});

test('callback slots: tryAcquire fails when full or when others wait; release hands slots over in order', (t) => {
  const limiter = new ReadLimiter(2);
  t.true(limiter.tryAcquire());
  t.true(limiter.tryAcquire());
  t.false(limiter.tryAcquire());
  const started: number[] = [];
  limiter.acquire(() => started.push(1));
  limiter.acquire(() => started.push(2));
  limiter.release();
  t.deepEqual(started, [1]);
  t.false(limiter.tryAcquire(), 'reader 2 waits first');
  limiter.release();
  t.deepEqual(started, [1, 2]);
});

test('reads answered synchronously (a closed connection) hand over 100,000 slots without deep recursion', (t) => {
  const limiter = new ReadLimiter(1);
  t.true(limiter.tryAcquire());
  let ran = 0;
  // each waiting read is "answered" at once and releases inside its start: a recursive hand-over
  // would overflow the stack long before 100,000
  for (let i = 0; i < 100_000; i++) {
    limiter.acquire(() => {
      ran++;
      limiter.release();
    });
  }
  limiter.release();
  t.is(ran, 100_000);
  t.true(limiter.tryAcquire(), 'every slot came back');
});
