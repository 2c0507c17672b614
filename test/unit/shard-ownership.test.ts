/**
 * haMode: shard, the pure parts: rendezvous ownership (stable, balanced, minimal movement) and the
 * shard protocol (shardStep) run against a model of ZooKeeper's facts — per-session FIFO answers,
 * ephemeral nodes that vanish with their session, create that fails when the node exists — under random
 * joins, kills and session expiries: never two members acting for one unit, and once things settle,
 * every unit acted for by exactly the member ranked first.
 */
import test from 'ava';
import fc from 'fast-check';
import { assign, ensembleUnit, rank, score, shareOf, unitOfLabels, unitsOf } from '../../server/shard/ownership.ts';
import { initialShardState, shardStep, type ConnectionState, type ShardAction, type ShardInput, type ShardState } from '../../server/shard/shard-step.ts';

const UNITS = unitsOf(Array.from({ length: 12 }, (_, i) => `c${i}`), ['default', 'east']);

test('units: clusters and ensemble:<name>, sorted; an alert belongs to its cluster, else its ensemble', (t) => {
  t.deepEqual(unitsOf(['b', 'a'], ['default']), ['a', 'b', 'ensemble:default']);
  t.is(unitOfLabels({ cluster: 'a', ensemble: 'default' }), 'a');
  t.is(unitOfLabels({ ensemble: 'east' }), ensembleUnit('east'));
  t.is(unitOfLabels({ alertname: 'x' }), null);
});

test('score is stable (a fixed value: every member and version must agree)', (t) => {
  t.is(score('a', 'b'), score('a', 'b'));
  t.not(score('a', 'b'), score('b', 'a'));
  t.snapshot(score('collector-1', 'crawler').toString(16));
});

test('rank does not depend on the order members are listed in', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), fc.string(), (members, unit) => {
      const a = rank(unit, members);
      const b = rank(unit, [...members].reverse());
      return JSON.stringify(a) === JSON.stringify(b) && a.length === members.length;
    }),
  );
  t.pass();
});

test('minimal movement: a join moves units only to the newcomer, a leave only the leaver\'s', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { minLength: 2, maxLength: 7 }), (members) => {
      const [newcomer, ...rest] = members as [string, ...string[]];
      const before = assign(UNITS, rest, 1).owner;
      const after = assign(UNITS, members, 1).owner;
      for (const u of UNITS) if (before.get(u) !== after.get(u) && after.get(u) !== newcomer) return false;
      // and the reverse: removing the newcomer moves only its units
      for (const u of UNITS) if (after.get(u) !== newcomer && before.get(u) !== after.get(u)) return false;
      return true;
    }),
  );
  t.pass();
});

test('balance: 4 members share 600 units about evenly; each unit has one owner and one other warm replica', (t) => {
  const units = unitsOf(Array.from({ length: 600 }, (_, i) => `cluster-${i}`), []);
  const members = ['collector-a', 'collector-b', 'collector-c', 'collector-d'];
  const { owner, replicas } = assign(units, members, 1);
  const counts = new Map<string, number>();
  for (const o of owner.values()) counts.set(o, (counts.get(o) ?? 0) + 1);
  for (const m of members) t.true((counts.get(m) ?? 0) > 100 && (counts.get(m) ?? 0) < 200, `${m}: ${counts.get(m)}`);
  for (const u of units) {
    t.is(replicas.get(u)!.length, 1);
    t.not(replicas.get(u)![0], owner.get(u));
  }
  const shares = members.map((m) => shareOf(m, units, members, 1));
  const watched = shares.map((s) => s.owned.size + s.warm.size);
  for (const w of watched) t.true(w > 200 && w < 400, `watches about half: ${w}`);
});

// ---- the protocol against a model of ZooKeeper ----------------------------------------------------

interface SimMember {
  key: string;
  state: ShardState;
  /** answers and watch events for this member's session, in order */
  inbox: ShardInput[];
  acting: ReadonlySet<string>;
  alive: boolean;
  /** partitioned: its session expired on the server, it has not heard yet */
  cut: boolean;
}

class Sim {
  readonly owners = new Map<string, string>();
  readonly registered = new Map<string, boolean>();
  readonly members: SimMember[] = [];
  /** unit → members waiting for its owner node to go */
  private readonly watchers = new Map<string, Set<SimMember>>();
  private n = 0;
  constructor(readonly replicas: number) {}

  live(): SimMember[] {
    return this.members.filter((m) => m.alive);
  }

  join(): void {
    const m: SimMember = { key: `m${this.n++}`, state: initialShardState('', UNITS, this.replicas), inbox: [], acting: new Set(), alive: true, cut: false };
    m.state = initialShardState(m.key, UNITS, this.replicas);
    this.members.push(m);
    this.register(m);
  }

  private register(m: SimMember): void {
    this.registered.set(m.key, false);
    m.inbox.push({ kind: 'connection', state: 'connected' });
    this.broadcast();
  }

  private broadcast(): void {
    const listing = [...this.registered].map(([id, ready]) => ({ id, ready }));
    for (const m of this.live()) if (!m.cut) m.inbox.push({ kind: 'members', members: listing });
  }

  /** the session ends on the server: its ephemeral nodes go (kill -9, or a partition) */
  private endSession(m: SimMember): void {
    this.registered.delete(m.key);
    for (const [u, holder] of [...this.owners]) if (holder === m.key) this.deleteOwner(u);
    for (const w of this.watchers.values()) w.delete(m);
    this.broadcast();
  }

  private deleteOwner(u: string): void {
    this.owners.delete(u);
    for (const w of this.watchers.get(u) ?? []) w.inbox.push({ kind: 'gone', unit: u });
    this.watchers.delete(u);
  }

  kill(i: number): void {
    const live = this.live();
    if (live.length === 0) return;
    const m = live[i % live.length]!;
    m.alive = false;
    m.acting = new Set();
    this.endSession(m);
  }

  /** a partition long enough for the session to expire: the client notices the disconnect first */
  expire(i: number): void {
    const live = this.live().filter((m) => !m.cut);
    if (live.length === 0) return;
    const m = live[i % live.length]!;
    this.input(m, { kind: 'connection', state: 'disconnected' });
    m.cut = true;
    m.inbox = [];
    this.endSession(m);
  }

  /** the partitioned member reconnects and learns its session expired */
  heal(i: number): void {
    const cut = this.live().filter((m) => m.cut);
    if (cut.length === 0) return;
    const m = cut[i % cut.length]!;
    m.cut = false;
    this.input(m, { kind: 'connection', state: 'expired' as ConnectionState });
    this.register(m);
  }

  deliver(i: number): boolean {
    const ready = this.live().filter((m) => !m.cut && m.inbox.length > 0);
    if (ready.length === 0) return false;
    const m = ready[i % ready.length]!;
    this.input(m, m.inbox.shift()!);
    return true;
  }

  private input(m: SimMember, input: ShardInput): void {
    const { state, actions } = shardStep(m.state, input);
    m.state = state;
    for (const a of actions) this.run(m, a);
  }

  private run(m: SimMember, a: ShardAction): void {
    switch (a.kind) {
      case 'act':
        m.acting = a.units;
        return;
      case 'watch':
        m.inbox.push({ kind: 'synced', units: [...a.units] });
        return;
      case 'setReady':
        this.registered.set(m.key, true);
        m.inbox.push({ kind: 'readyWritten' });
        this.broadcast();
        return;
      case 'create':
        if (this.owners.has(a.unit)) {
          const w = this.watchers.get(a.unit) ?? new Set();
          w.add(m);
          this.watchers.set(a.unit, w);
          m.inbox.push({ kind: 'exists', unit: a.unit });
        } else {
          this.owners.set(a.unit, m.key);
          m.inbox.push({ kind: 'created', unit: a.unit });
        }
        return;
      case 'release':
        if (m.acting.has(a.unit)) throw new Error(`${m.key} deletes ${a.unit} while acting for it`);
        if (this.owners.get(a.unit) === m.key) this.deleteOwner(a.unit);
        m.inbox.push({ kind: 'released', unit: a.unit });
        return;
    }
  }

  /** never two acting for one unit; each acting member holds the unit's owner node */
  check(): string | null {
    for (const m of this.live()) {
      for (const u of m.acting) if (this.owners.get(u) !== m.key) return `${m.key} acts for ${u}, whose owner node is ${this.owners.get(u) ?? 'absent'}`;
    }
    return null;
  }
}

const event = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'join' as const, i: 0 }) },
  { weight: 1, arbitrary: fc.nat().map((i) => ({ kind: 'kill' as const, i })) },
  { weight: 1, arbitrary: fc.nat().map((i) => ({ kind: 'expire' as const, i })) },
  { weight: 1, arbitrary: fc.nat().map((i) => ({ kind: 'heal' as const, i })) },
  { weight: 12, arbitrary: fc.nat().map((i) => ({ kind: 'deliver' as const, i })) },
);

test('shardStep against ZooKeeper\'s facts: never two acting for one unit; settled, every unit acted for by its first-ranked member', (t) => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 120 }), fc.integer({ min: 0, max: 2 }), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (events, replicas, order) => {
      const sim = new Sim(replicas);
      sim.join();
      for (const e of events) {
        sim[e.kind](e.i);
        const problem = sim.check();
        if (problem) throw new Error(problem);
      }
      for (let i = 0; i < sim.members.length; i++) sim.heal(0);
      for (let i = 0; sim.deliver(order[i % order.length]!); i++) {
        if (i > 100_000) throw new Error('does not settle');
        const problem = sim.check();
        if (problem) throw new Error(problem);
      }
      const live = sim.live();
      if (live.length === 0) return true;
      for (const m of live) if (!m.state.ready) throw new Error(`${m.key} never ready`);
      const wanted = assign(UNITS, live.map((m) => m.key), replicas).owner;
      for (const u of UNITS) {
        const actors = live.filter((m) => m.acting.has(u)).map((m) => m.key);
        if (actors.length !== 1 || actors[0] !== wanted.get(u)) throw new Error(`${u}: acted for by [${actors.join(',')}], wanted ${wanted.get(u)}`);
      }
      // a member watches only what it owns or keeps warm
      for (const m of live) {
        const share = shareOf(m.key, UNITS, live.map((x) => x.key), replicas);
        for (const u of m.state.watched) if (!share.owned.has(u) && !share.warm.has(u)) throw new Error(`${m.key} still watches ${u}`);
      }
      return true;
    }),
    { numRuns: 300, reporter: (r) => { if (r.failed) throw new Error(`${String(r.errorInstance)} ${JSON.stringify(r.counterexample)}`); } },
  );
  t.pass();
});

test('a joiner says ready only after its would-be share synced, and claims only once listed ready', (t) => {
  let s = initialShardState('b', UNITS, 1);
  const step = (input: ShardInput) => {
    const r = shardStep(s, input);
    s = r.state;
    return r.actions;
  };
  step({ kind: 'connection', state: 'connected' });
  const first = step({ kind: 'members', members: [{ id: 'a', ready: true }, { id: 'b', ready: false }] });
  const watch = first.find((a) => a.kind === 'watch');
  t.truthy(watch);
  t.false(first.some((a) => a.kind === 'setReady' || a.kind === 'create'));
  const share = shareOf('b', UNITS, ['a'], 1);
  t.deepEqual(new Set(watch!.kind === 'watch' ? watch!.units : []), new Set([...share.owned, ...share.warm]));
  t.deepEqual(step({ kind: 'synced', units: [...share.owned, ...share.warm] }), [{ kind: 'setReady' }]);
  t.deepEqual(step({ kind: 'readyWritten' }), [], 'not listed ready yet: others do not count it');
  const claims = step({ kind: 'members', members: [{ id: 'a', ready: true }, { id: 'b', ready: true }] });
  t.deepEqual(new Set(claims.map((a) => (a.kind === 'create' ? a.unit : ''))), share.owned);
  // a dropped connection stops acting at once
  for (const u of share.owned) step({ kind: 'created', unit: u });
  t.deepEqual(s.acting, share.owned);
  t.deepEqual(step({ kind: 'connection', state: 'disconnected' }), [{ kind: 'act', units: new Set() }]);
});
