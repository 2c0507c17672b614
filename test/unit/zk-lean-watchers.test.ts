/**
 * The lean watcher registry (collector/zk/lean-watchers.ts) behaves like node-zookeeper-client's own
 * WatcherManager for any sequence of registrations and server notifications: the same watchers fire,
 * in the same order, with the same event, and SetWatches re-sends the same paths after a reconnect.
 */
import test from 'ava';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { installLeanWatchers } from '../../zk/lean-watchers.ts';

const require = createRequire(import.meta.url);
type Manager = Record<string, (...args: unknown[]) => unknown>;
type ManagerClass = (new () => Manager) & { prototype: Record<string, unknown> };
const Original = require('node-zookeeper-client/lib/WatcherManager.js') as ManagerClass;
const Event = require('node-zookeeper-client/lib/Event.js') as Parameters<typeof installLeanWatchers>[1];

// a copy of the class to patch, so that the original stays the reference (harden.ts is not loaded here)
function LeanManager(this: Manager) {
  Original.call(this);
}
LeanManager.prototype = Object.create(Original.prototype) as Record<string, unknown>;
installLeanWatchers(LeanManager as unknown as ManagerClass, Event);
const Lean = LeanManager as unknown as ManagerClass;

const KINDS = ['Data', 'Child', 'Existence'] as const;
const TYPES = [Event.NODE_CREATED, Event.NODE_DELETED, Event.NODE_DATA_CHANGED, Event.NODE_CHILDREN_CHANGED];
const PATHS = ['/a', '/a/b', '/c'];

type Op = { op: 'register'; kind: (typeof KINDS)[number]; path: string; watcher: number } | { op: 'emit'; type: number; path: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('register' as const), kind: fc.constantFrom(...KINDS), path: fc.constantFrom(...PATHS), watcher: fc.nat(3) }),
  fc.record({ op: fc.constant('emit' as const), type: fc.constantFrom(...TYPES), path: fc.constantFrom(...PATHS) }),
);

/** Runs the ops on a fresh manager; returns every observable outcome. */
function run(Manager: ManagerClass, ops: Op[]): unknown[] {
  const m = new Manager();
  const seen: unknown[] = [];
  // watcher 3 re-registers itself for data on the path that fired, as the watch layer's re-read does
  const watchers = [0, 1, 2, 3].map((i) => {
    const w = (e: { getType(): number; getPath(): string; toString(): string }) => {
      seen.push(['fired', i, e.getType(), e.getPath(), e.toString()]);
      if (i === 3) m.registerDataWatcher!(e.getPath(), w);
    };
    return w;
  });
  for (const o of ops) {
    if (o.op === 'register') m[`register${o.kind}Watcher`]!(o.path, watchers[o.watcher]);
    else m.emit!({ type: o.type, state: 3, path: o.path });
    seen.push(['empty', m.isEmpty!()]);
  }
  for (const kind of KINDS) seen.push([kind, [...(m[`get${kind}WatcherPaths`]!() as string[])].sort()]);
  return seen;
}

test('any sequence of registrations and notifications: the same outcome as the library', (t) => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
      t.deepEqual(run(Lean, ops), run(Original, ops));
    }),
    { numRuns: 500 },
  );
});

test('bad arguments are refused like the library does', (t) => {
  const m = new Lean();
  t.throws(() => m.registerDataWatcher!('/a', 'not a function'), { message: /watcher must be a valid function/ });
  t.throws(() => m.registerDataWatcher!('relative', () => undefined), { message: /must start with \// });
  t.throws(() => m.emit!({ type: 99, path: '/a' }), { message: /Unknown event type/ });
});
