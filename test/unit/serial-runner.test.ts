import test from 'ava';
import { SerialRunner } from '../../collector/watch/serial-runner.ts';

/** A runner whose jobs finish only when the test says so. */
function gatedRunner() {
  const started: string[] = [];
  const open = new Map<string, (() => void)[]>();
  const runner = new SerialRunner((key, done) => {
    started.push(key);
    const list = open.get(key) ?? [];
    list.push(done);
    open.set(key, list);
  });
  const finish = (key: string) => {
    const done = open.get(key)?.shift();
    if (!done) throw new Error(`no run of ${key} is open`);
    done();
  };
  const openRuns = (key: string) => open.get(key)?.length ?? 0;
  return { runner, started, finish, openRuns };
}

test('one key never runs twice at once; a trigger during a run asks for exactly one more run', (t) => {
  const { runner, started, finish, openRuns } = gatedRunner();
  runner.schedule('a');
  runner.schedule('a');
  runner.schedule('a');
  t.deepEqual(started, ['a']);
  t.is(openRuns('a'), 1);
  finish('a');
  t.deepEqual(started, ['a', 'a'], 'the triggers during the first run coalesce into one more');
  finish('a');
  t.deepEqual(started, ['a', 'a']);
  runner.schedule('a');
  t.deepEqual(started, ['a', 'a', 'a'], 'the key is free again: a new trigger runs at once');
});

test('onDone waits for a run that started after the call; other keys run meanwhile', (t) => {
  const { runner, started, finish } = gatedRunner();
  const done: string[] = [];
  runner.schedule('a', () => done.push('first'));
  runner.schedule('b', () => done.push('b'));
  runner.schedule('a', () => done.push('second'));
  t.deepEqual(started, ['a', 'b']);
  finish('a');
  t.deepEqual(done, [], 'the second caller needs a run that started after it asked');
  finish('b');
  t.deepEqual(done, ['b']);
  finish('a');
  t.deepEqual(done, ['b', 'first', 'second']);
});

test('a job that throws frees its key; done called twice counts once', (t) => {
  let calls = 0;
  const runner = new SerialRunner((_key, done) => {
    calls++;
    if (calls === 1) throw new Error('boom');
    done();
    done();
  });
  t.throws(() => runner.schedule('a'), { message: 'boom' });
  // the key is free: the next schedule runs at once
  let finished = 0;
  runner.schedule('a', () => finished++);
  t.is(calls, 2);
  t.is(finished, 1);
});

test('scheduled() resolves after the run', async (t) => {
  const { runner, finish } = gatedRunner();
  let resolved = false;
  const p = runner.scheduled('x').then(() => (resolved = true));
  await Promise.resolve();
  t.false(resolved);
  finish('x');
  await p;
  t.true(resolved);
});
