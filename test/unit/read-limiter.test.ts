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
