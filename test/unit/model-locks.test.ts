/** Locks in the model (docs/contract.md §9): contenders, holders by contract/locks.ts lockHolders, held since, the lock events. */
import test from 'ava';
import { lockHolders } from '../../contract/locks.ts';
import { lockOwnerOf, OWNER_MAX_CHARS } from '../../collector/model/reduce-locks.ts';
import { disconnected, fold, lockEvents, node, synced } from '../support/lock-events.ts';

const S1 = '00000000000000a1';
const S2 = '00000000000000a2';
const S3 = '00000000000000a3';
const L = 'locks/nightly';
const owner = (o: string) => ({ owner: o });

test('the holder is the lowest sequence, not the first name; a first sync announces it once, held since its ctime', (t) => {
  // names sort the other way round from their sequences (Curator's _c_<uuid>- prefixes)
  const { model, events } = fold([
    node('added', `${L}/_c_aaa-lock-0000000002`, 'b', { czxid: 12, ctime: 600, owner: S2 }),
    node('added', `${L}/_c_zzz-lock-0000000001`, 'a', { czxid: 11, ctime: 500, owner: S1 }),
    synced(1000),
  ]);
  const lock = model.locks.get(L)!;
  t.deepEqual(lock.holders, ['_c_zzz-lock-0000000001']);
  t.is(lock.heldSince, 500);
  t.is(lock.contenders.size, 2);
  t.deepEqual(lockEvents(events), [
    { type: 'LockAcquired', lock: L, node: '_c_zzz-lock-0000000001', owner: 'a', session: S1, waiters: 1 },
  ]);
});

test('read/write contenders: the holders are exactly what lockHolders says, each announced with the waiters', (t) => {
  const names = ['__READ__0000000001', '__READ__0000000002', '__WRIT__0000000003', '__READ__0000000004'];
  const { model, events } = fold([
    ...names.map((n, i) => node('added', `${L}/${n}`, owner(`p${i}`), { czxid: 20 + i, ctime: 100 + i, owner: S1 })),
    synced(1000),
  ]);
  const expected = lockHolders(names.map((n, i) => ({ node: n, seq: i + 1, mode: n.includes('READ') ? 'read' : 'write' }))).map((c) => c.node);
  t.true(expected.length > 0);
  t.deepEqual(model.locks.get(L)!.holders, expected);
  const acquired = events.filter((e) => e.type === 'LockAcquired');
  t.deepEqual(acquired.map((e) => e.type === 'LockAcquired' && e.node), expected);
  for (const e of acquired) t.is(e.type === 'LockAcquired' && e.waiters, names.length - expected.length);
});

test('a holder gone: LockReleased with how long it held, the next one holds from then (LockAcquired with the waiters left)', (t) => {
  const { model, events } = fold([
    synced(1000),
    node('added', `${L}/lock-0000000001`, owner('a'), { czxid: 11, time: 2000, owner: S1 }),
    node('added', `${L}/lock-0000000002`, owner('b'), { czxid: 12, time: 3000, owner: S2 }),
    node('added', `${L}/lock-0000000003`, owner('c'), { czxid: 13, time: 4000, owner: S3 }),
    node('removed', `${L}/lock-0000000001`, owner('a'), { czxid: 11, ctime: 2000, time: 9000, owner: S1 }),
  ]);
  t.deepEqual(lockEvents(events), [
    { type: 'LockAcquired', lock: L, node: 'lock-0000000001', owner: 'a', session: S1, waiters: 0 },
    { type: 'LockReleased', lock: L, node: 'lock-0000000001', owner: 'a', heldMs: 7000 },
    { type: 'LockAcquired', lock: L, node: 'lock-0000000002', owner: 'b', session: S2, waiters: 1 },
  ]);
  const lock = model.locks.get(L)!;
  t.deepEqual(lock.holders, ['lock-0000000002']);
  // it queued at 3000 but took over at 9000
  t.is(lock.heldSince, 9000);
});

test('a waiter gone, or a holder rewriting its data, changes no holder', (t) => {
  const { model, events } = fold([
    synced(1000),
    node('added', `${L}/lock-0000000001`, owner('a'), { czxid: 11, time: 2000, owner: S1 }),
    node('added', `${L}/lock-0000000002`, owner('b'), { czxid: 12, time: 3000, owner: S2 }),
    node('changed', `${L}/lock-0000000001`, owner('a2'), { czxid: 11, ctime: 2000, time: 3500, owner: S1 }),
    node('removed', `${L}/lock-0000000002`, owner('b'), { czxid: 12, ctime: 3000, time: 4000, owner: S2 }),
  ]);
  t.is(lockEvents(events).length, 1);
  const lock = model.locks.get(L)!;
  t.deepEqual(lock.holders, ['lock-0000000001']);
  t.is(lock.heldSince, 2000);
  t.is(lock.contenders.get('lock-0000000001')!.owner, 'a2');
});

test('the contenders of two locks are independent; a lock with no contenders left is gone', (t) => {
  const { model, events } = fold([
    synced(1000),
    node('added', 'locks/a/lock-0000000001', owner('a1'), { czxid: 11, time: 2000, owner: S1 }),
    node('added', 'locks/b/lock-0000000001', owner('b1'), { czxid: 12, time: 2000, owner: S2 }),
    node('added', 'locks/b/lock-0000000002', owner('b2'), { czxid: 13, time: 2100, owner: S3 }),
    node('removed', 'locks/a/lock-0000000001', owner('a1'), { czxid: 11, ctime: 2000, time: 5000, owner: S1 }),
  ]);
  t.false(model.locks.has('locks/a'));
  t.deepEqual(model.locks.get('locks/b')!.holders, ['lock-0000000001']);
  t.is(model.locks.get('locks/b')!.heldSince, 2000);
  t.deepEqual(lockEvents(events).slice(-1), [{ type: 'LockReleased', lock: 'locks/a', node: 'lock-0000000001', owner: 'a1', heldMs: 3000 }]);
});

test('a removed lock container takes its contenders with it; the locks container takes every lock', (t) => {
  const start = fold([
    synced(1000),
    node('added', 'locks/a/lock-0000000001', owner('a1'), { czxid: 11, time: 2000, owner: S1 }),
    node('added', 'locks/a/lock-0000000002', owner('a2'), { czxid: 12, time: 2000, owner: S2 }),
    node('added', 'locks/b/lock-0000000001', owner('b1'), { czxid: 13, time: 3000, owner: S3 }),
  ]).model;
  const one = fold([node('removed', 'locks/a', null, { time: 6000 })], start);
  t.deepEqual([...one.model.locks.keys()], ['locks/b']);
  t.deepEqual(lockEvents(one.events), [{ type: 'LockReleased', lock: 'locks/a', node: 'lock-0000000001', owner: 'a1', heldMs: 4000 }]);
  const all = fold([node('removed', 'locks', null, { time: 7000 })], start);
  t.is(all.model.locks.size, 0);
  t.deepEqual(lockEvents(all.events).map((e) => (e as { lock: string }).lock), ['locks/a', 'locks/b']);
  const root = fold([node('removed', '', null, { time: 7000 })], start);
  t.is(root.model.locks.size, 0);
});

test('a resync after a blind period: the holder gone is released at once, the next one holds when the sync ends (afterBlind)', (t) => {
  const { model, events } = fold([
    synced(1000),
    node('added', `${L}/lock-0000000001`, owner('a'), { czxid: 11, time: 2000, owner: S1 }),
    node('added', `${L}/lock-0000000002`, owner('b'), { czxid: 12, time: 3000, owner: S2 }),
    disconnected(4000),
    node('removed', `${L}/lock-0000000001`, owner('a'), { czxid: 11, ctime: 2000, time: 8000, owner: S1, afterBlind: true }),
    // a contender that queued while blind, listed before the sync ends
    node('added', `${L}/lock-0000000003`, owner('c'), { czxid: 14, ctime: 6000, time: 8001, owner: S3, afterBlind: true }),
    synced(8002, true),
  ]);
  const found = lockEvents(events).slice(1);
  t.deepEqual(found, [
    { type: 'LockReleased', lock: L, node: 'lock-0000000001', owner: 'a', heldMs: 6000, afterBlind: true },
    { type: 'LockAcquired', lock: L, node: 'lock-0000000002', owner: 'b', session: S2, waiters: 1, afterBlind: true },
  ]);
  const lock = model.locks.get(L)!;
  t.is(lock.heldSince, 8000);
  t.is(lock.vacatedAt, undefined);
});

test('a resync that finds the same holder announces nothing', (t) => {
  const { events } = fold([
    synced(1000),
    node('added', `${L}/lock-0000000001`, owner('a'), { czxid: 11, time: 2000, owner: S1 }),
    disconnected(4000),
    node('added', `${L}/lock-0000000002`, owner('b'), { czxid: 12, ctime: 5000, time: 8001, owner: S2, afterBlind: true }),
    synced(8002, true),
  ]);
  t.is(lockEvents(events).length, 1);
});

test('a contender node re-created under the same name (another czxid) is a new contender', (t) => {
  const { model, events } = fold([
    synced(1000),
    node('added', `${L}/lock-0000000001`, owner('a'), { czxid: 11, time: 2000, owner: S1 }),
    node('changed', `${L}/lock-0000000001`, owner('z'), { czxid: 30, time: 5000, owner: S2 }),
  ]);
  t.deepEqual(lockEvents(events).map((e) => (e as { type: string }).type), ['LockAcquired', 'LockReleased', 'LockAcquired']);
  t.is(model.locks.get(L)!.contenders.get('lock-0000000001')!.session, S2);
  t.is(model.locks.get(L)!.heldSince, 5000);
});

test('owner: zkpulse JSON, kazoo identifier text, Curator address text; bounded, control characters dropped, binary none', (t) => {
  const of = (data: string | null, extra: { dataBase64?: string } = {}) => lockOwnerOf(node('added', `${L}/lock-0000000001`, data, extra));
  t.is(of('{"owner":"job-17@host-a"}'), 'job-17@host-a');
  t.is(of('{"owner":42}'), '42');
  t.is(of('worker-3'), 'worker-3');
  t.is(of('10.1.2.3'), '10.1.2.3');
  t.is(of('"quoted"'), 'quoted');
  t.is(of('{"id":"x"}'), null);
  t.is(of('[1,2]'), null);
  t.is(of('{broken'), '{broken');
  t.is(of(null), null);
  t.is(of(''), null);
  t.is(of('\u0000\u0001'), null);
  t.is(of('a\nb\u0007c'), 'a b c');
  t.is(of('\ufffd\ufffd', { dataBase64: '//8=' }), null);
  const long = of('x'.repeat(5000))!;
  t.is(long.length, OWNER_MAX_CHARS);
  t.true(long.endsWith('…'));
});
