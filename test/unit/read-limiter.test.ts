import test from 'ava';
import { ReadLimiter } from '../../collector/watch/read-limiter.ts';

test('at most max reads run at once, all of them run, in order of arrival', async (t) => {
  const limiter = new ReadLimiter(3);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const gates: (() => void)[] = [];
  const reads = Array.from({ length: 10 }, (_, i) =>
    limiter.run(async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return i;
    }),
  );
  // release reads one by one as they start: never more than 3 waiting at a gate
  while (started.length < 10 || gates.length > 0) {
    await new Promise((r) => setImmediate(r));
    t.true(gates.length <= 3);
    gates.shift()?.();
  }
  t.deepEqual(await Promise.all(reads), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.is(peak, 3);
  t.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('a failing read frees its slot', async (t) => {
  const limiter = new ReadLimiter(1);
  await t.throwsAsync(limiter.run(() => Promise.reject(new Error('no node'))), { message: 'no node' });
  t.is(await limiter.run(() => Promise.resolve(7)), 7);
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
