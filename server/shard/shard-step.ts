/**
 * The shard protocol's decisions, pure: `shardStep(state, input)` → the next state and the actions the
 * edge (shard-coordinator.ts) carries out against ZooKeeper, the data plane and alerting. What ZooKeeper
 * says comes in as inputs; nothing here reads a clock or does I/O.
 *
 * The rules (docs/ha.md, "haMode: shard"):
 * - ownership is rendezvous hashing over the READY live members (ownership.ts); a member not yet ready
 *   computes its would-be share over ready ∪ {self}, watches it, and says ready only once all of it synced;
 * - a member ACTS for a unit (notifies, writes points) only while it holds the unit's owner node on its
 *   current session and is connected: a dropped connection stops all acting at once, before the session
 *   can expire and another member can create the node;
 * - a claim is a create of the owner node; a node that exists is waited out (the edge watches it), never
 *   deleted; a unit is released (acting stops first, then the node is deleted) only when another READY
 *   member ranks first for it — so a unit is never left without an owner by a join.
 */
import { shareOf } from './ownership.ts';

export interface MemberView {
  id: string;
  ready: boolean;
}

export type ConnectionState = 'connected' | 'disconnected' | 'expired';

export type ShardInput =
  /** the children of `<haPath>/members`, with each one's ready flag (self included once registered) */
  | { kind: 'members'; members: readonly MemberView[] }
  | { kind: 'connection'; state: ConnectionState }
  /** our create of the unit's owner node succeeded (or found the node already ours) */
  | { kind: 'created'; unit: string }
  /** the owner node is held by another session: the edge watches it and says `gone` */
  | { kind: 'exists'; unit: string }
  /** the owner node we waited on was deleted */
  | { kind: 'gone'; unit: string }
  /** a create failed for another reason (timeout, connection loss): tried again on the next step */
  | { kind: 'failed'; unit: string }
  /** our owner node was deleted (release finished) */
  | { kind: 'released'; unit: string }
  /** these watched units had their first sync and the engine judged them */
  | { kind: 'synced'; units: readonly string[] }
  /** our member node was written with ready: true */
  | { kind: 'readyWritten' }
  /** nothing new: re-evaluate (the edge's retry tick) */
  | { kind: 'tick' };

export type ShardAction =
  | { kind: 'watch'; units: ReadonlySet<string> }
  | { kind: 'act'; units: ReadonlySet<string> }
  | { kind: 'setReady' }
  | { kind: 'create'; unit: string }
  | { kind: 'release'; unit: string };

export interface ShardState {
  readonly self: string;
  readonly units: readonly string[];
  readonly replicas: number;
  readonly connected: boolean;
  /** the latest member listing (null before the first) */
  readonly members: readonly MemberView[] | null;
  /** our member node says ready: true (written and confirmed) */
  readonly ready: boolean;
  /** setReady sent, not yet confirmed */
  readonly readyPending: boolean;
  /** units synced since the session began */
  readonly synced: ReadonlySet<string>;
  /** owner nodes we hold on the current session */
  readonly held: ReadonlySet<string>;
  /** creates in flight */
  readonly claiming: ReadonlySet<string>;
  /** owner nodes held by another session, waited out */
  readonly blocked: ReadonlySet<string>;
  /** releases in flight (acting already stopped) */
  readonly releasing: ReadonlySet<string>;
  /** what the edge was last told */
  readonly watched: ReadonlySet<string>;
  readonly acting: ReadonlySet<string>;
}

export function initialShardState(self: string, units: readonly string[], replicas: number): ShardState {
  const none = new Set<string>();
  return {
    self,
    units: [...units],
    replicas,
    connected: false,
    members: null,
    ready: false,
    readyPending: false,
    synced: none,
    held: none,
    claiming: none,
    blocked: none,
    releasing: none,
    watched: none,
    acting: none,
  };
}

const without = (s: ReadonlySet<string>, x: string): Set<string> => {
  const n = new Set(s);
  n.delete(x);
  return n;
};
const withOne = (s: ReadonlySet<string>, x: string): Set<string> => new Set(s).add(x);
const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** The ready members others count, as the listing says. */
export function readyMembers(members: readonly MemberView[] | null): string[] {
  return (members ?? []).filter((m) => m.ready).map((m) => m.id);
}

/** What this member should own and keep warm now (its would-be share while not ready). */
export function targetOf(s: ShardState): { owned: Set<string>; warm: Set<string> } {
  // before the first listing we know nobody: watch nothing rather than everything
  if (s.members === null) return { owned: new Set(), warm: new Set() };
  return shareOf(s.self, s.units, readyMembers(s.members), s.replicas);
}

function absorb(s: ShardState, input: ShardInput): ShardState {
  switch (input.kind) {
    case 'members':
      return { ...s, members: input.members };
    case 'connection':
      if (input.state === 'expired') {
        // a new session: every ephemeral node of the old one is gone, and we start over as not ready
        const none = new Set<string>();
        return { ...s, connected: false, ready: false, readyPending: false, synced: none, held: none, claiming: none, blocked: none, releasing: none, members: null };
      }
      return { ...s, connected: input.state === 'connected' };
    case 'created':
      return { ...s, claiming: without(s.claiming, input.unit), held: withOne(s.held, input.unit), blocked: without(s.blocked, input.unit) };
    case 'exists':
      return { ...s, claiming: without(s.claiming, input.unit), blocked: withOne(s.blocked, input.unit) };
    case 'gone':
      // also ends a claim whose create found the node and whose exists check then found it gone
      return { ...s, blocked: without(s.blocked, input.unit), claiming: without(s.claiming, input.unit) };
    case 'failed':
      return { ...s, claiming: without(s.claiming, input.unit) };
    case 'released':
      return { ...s, releasing: without(s.releasing, input.unit), held: without(s.held, input.unit) };
    case 'synced':
      return { ...s, synced: new Set([...s.synced, ...input.units]) };
    case 'readyWritten':
      return { ...s, ready: true, readyPending: false };
    case 'tick':
      return s;
  }
}

/** One step: absorb the input, then decide. */
export function shardStep(state: ShardState, input: ShardInput): { state: ShardState; actions: ShardAction[] } {
  let s = absorb(state, input);
  const actions: ShardAction[] = [];
  const target = targetOf(s);
  const listedReady = readyMembers(s.members).includes(s.self);

  // watch: what we should own or keep warm, and whatever we still hold or are getting
  const watched = new Set([...target.owned, ...target.warm, ...s.held, ...s.claiming, ...s.releasing]);
  if (!sameSet(watched, s.watched)) {
    actions.push({ kind: 'watch', units: watched });
    s = { ...s, watched };
  }

  // ready once everything we would own or keep warm has synced (and we are registered)
  const registered = (s.members ?? []).some((m) => m.id === s.self);
  if (s.connected && registered && !s.ready && !s.readyPending && [...target.owned, ...target.warm].every((u) => s.synced.has(u))) {
    actions.push({ kind: 'setReady' });
    s = { ...s, readyPending: true };
  }

  if (s.connected && listedReady) {
    // release what another ready member now ranks first for (acting stops below, before the delete)
    let releasing = s.releasing;
    for (const u of s.held) {
      if (!target.owned.has(u) && !releasing.has(u)) {
        releasing = withOne(releasing, u);
        actions.push({ kind: 'release', unit: u });
      }
    }
    // claim what we rank first for
    let claiming = s.claiming;
    for (const u of target.owned) {
      if (!s.held.has(u) && !claiming.has(u) && !s.blocked.has(u)) {
        claiming = withOne(claiming, u);
        actions.push({ kind: 'create', unit: u });
      }
    }
    s = { ...s, releasing, claiming };
  }

  // act only for nodes held on this session, while connected, and not being released
  const acting = s.connected ? new Set([...s.held].filter((u) => !s.releasing.has(u))) : new Set<string>();
  if (!sameSet(acting, s.acting)) {
    // acting changes come first: a release must stop acting before its node is deleted
    actions.unshift({ kind: 'act', units: acting });
    s = { ...s, acting };
  }
  return { state: s, actions };
}
