/**
 * A leaner WatcherManager for node-zookeeper-client 1.1.3, same behaviour.
 *
 * The library keeps one EventEmitter per watched path and type, and registers each one-shot watch
 * with `once` (a wrapper closure and state object per registration) after copying the listener
 * array to look for a duplicate. A collector re-arms a data watch on every heartbeat of every
 * worker, so that is garbage per beat and an emitter per worker kept for the session's life. Here a
 * path maps to its watcher function (or, rarely, an array of them) in a Map per type.
 *
 * Kept from the library: which watch types an event fires (data + existence on created / data
 * changed, child on children changed, data + child on deleted), that a fired path is forgotten
 * before its watchers run, that the same function is registered once per path, and the paths
 * re-sent by SetWatches after a reconnect.
 */
type Watcher = (event: unknown) => void;
type Slot = Watcher | Watcher[];
type Kind = 'data' | 'child' | 'existence';

interface LeanState {
  data: Map<string, Slot>;
  child: Map<string, Slot>;
  existence: Map<string, Slot>;
}

interface WatcherManagerLike {
  __lean?: LeanState;
}

interface WatcherManagerClass {
  prototype: Record<string, unknown>;
}

interface EventModule {
  create(watcherEvent: { type: number; path: string }): unknown;
  NODE_CREATED: number;
  NODE_DELETED: number;
  NODE_DATA_CHANGED: number;
  NODE_CHILDREN_CHANGED: number;
}

function state(self: WatcherManagerLike): LeanState {
  return (self.__lean ??= { data: new Map(), child: new Map(), existence: new Map() });
}

function register(map: Map<string, Slot>, path: string, watcher: unknown): void {
  if (typeof path !== 'string' || path[0] !== '/') throw new Error('Node path must start with / character.');
  if (typeof watcher !== 'function') throw new Error('watcher must be a valid function.');
  const w = watcher as Watcher;
  const slot = map.get(path);
  if (slot === undefined) map.set(path, w);
  else if (typeof slot === 'function') {
    if (slot !== w) map.set(path, [slot, w]);
  } else if (!slot.includes(w)) slot.push(w);
}

/** Replace the prototype methods of a WatcherManager class (tests: a copy of the library's class). */
export function installLeanWatchers(WatcherManager: WatcherManagerClass, Event: EventModule): void {
  leanWatchersOn(WatcherManager.prototype, Event);
}

/**
 * Give `target` the lean methods: one WatcherManager instance (harden.ts does this to the manager of
 * each client of ours, leaving the library's class alone) or a prototype. Once per target.
 */
export function leanWatchersOn(target: object, Event: EventModule): void {
  const proto = target as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(proto, '__zkpulseLean')) return;
  proto.__zkpulseLean = true;
  const kinds: Kind[] = ['data', 'child', 'existence'];
  const upper = { data: 'Data', child: 'Child', existence: 'Existence' } as const;
  for (const kind of kinds) {
    proto[`register${upper[kind]}Watcher`] = function (this: WatcherManagerLike, path: string, watcher: unknown) {
      register(state(this)[kind], path, watcher);
    };
    proto[`get${upper[kind]}WatcherPaths`] = function (this: WatcherManagerLike): string[] {
      return [...state(this)[kind].keys()];
    };
  }
  proto.isEmpty = function (this: WatcherManagerLike): boolean {
    const s = state(this);
    return s.data.size === 0 && s.child.size === 0 && s.existence.size === 0;
  };
  proto.emit = function (this: WatcherManagerLike, watcherEvent: { type: number; path: string }): void {
    if (!watcherEvent) throw new Error('watcherEvent must be a valid object.');
    const s = state(this);
    const path = watcherEvent.path;
    let from: Map<string, Slot>[];
    switch (watcherEvent.type) {
      case Event.NODE_DATA_CHANGED:
      case Event.NODE_CREATED:
        from = [s.data, s.existence];
        break;
      case Event.NODE_CHILDREN_CHANGED:
        from = [s.child];
        break;
      case Event.NODE_DELETED:
        from = [s.data, s.child];
        break;
      default:
        throw new Error(`Unknown event type: ${watcherEvent.type}`);
    }
    // take every slot out first: a watcher that re-registers on this path registers for the next change
    const fired: Slot[] = [];
    for (const map of from) {
      const slot = map.get(path);
      if (slot !== undefined) {
        map.delete(path);
        fired.push(slot);
      }
    }
    if (fired.length === 0) return;
    const event = Event.create(watcherEvent);
    for (const slot of fired) {
      if (typeof slot === 'function') slot(event);
      else for (const w of slot) w(event);
    }
  };
}
