/**
 * Locks (docs/contract.md §9): each lock's contenders (the nodes under the lock node), who holds it
 * (contract/locks.ts lockHolders: lowest sequence; the readers before the first writer; every lease) and
 * since when. LockAcquired for each new holder, LockReleased for each holder gone.
 *
 * While the model is not settled (the first sync, or a resync after a blind period, lists the contenders in
 * any order) only the contenders are kept: a holder that is gone is released at once, and who holds next is
 * judged when the sync ends (settleLocks), as the election does (reduce-election.ts settleLeader).
 * An event costs O(log n) in the locks; in the contenders k of its own lock O(log k) for a waiter that comes
 * or a rewrite, O(k log k) when the holders are judged again (a holder gone, a reader or lease coming).
 */
import { Map as IMap } from 'immutable';
import { lockHolders, type Contender } from '../../contract/locks.ts';
import type { LockMode } from '../../contract/layout.ts';
import type { NodeEvent } from '../watch/events.ts';
import { emit, modelWith, type Step } from './step.ts';
import type { ClusterModel, LockContenderState, LockState } from './types.ts';

/** An owner longer than this is cut: it comes from znode data written by anyone. */
export const OWNER_MAX_CHARS = 200;

const settled = (model: ClusterModel): boolean => model.synced && !model.blind;

/**
 * Who a contender is, from its data, leniently: zkpulse `{"owner": "..."}`, else the text itself (kazoo's
 * identifier; Curator's data, by default the client's IP address as text). Null for no data, binary data,
 * or a JSON value without an owner. Control characters are dropped and the length is bounded.
 */
export function lockOwnerOf(event: NodeEvent): string | null {
  const data = event.data;
  if (data === null || data === '' || event.dataBase64 !== undefined) return null;
  let text = data;
  const first = data.charCodeAt(0);
  // '{' '[' '"': JSON; a bare number or word is a kazoo/Curator identifier, taken as text
  if (first === 0x7b || first === 0x5b || first === 0x22) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'string') text = parsed;
    else if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const owner = (parsed as Record<string, unknown>).owner;
      if (typeof owner === 'string') text = owner;
      else if (typeof owner === 'number' && Number.isFinite(owner)) text = String(owner);
      else return null;
    } else if (parsed !== undefined) return null;
  }
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (clean === '') return null;
  return clean.length > OWNER_MAX_CHARS ? `${clean.slice(0, OWNER_MAX_CHARS - 1)}…` : clean;
}

/** A contender of `lock` appeared or was rewritten. */
export function lockContenderPresent(
  model: ClusterModel,
  lock: string,
  node: string,
  seq: number,
  mode: LockMode,
  event: NodeEvent,
  step: Step,
): ClusterModel {
  const { stat } = event;
  let m = model;
  const before = m.locks.get(lock)?.contenders.get(node);
  // another node of the same name (the lock node was re-created, its counter restarted): the old one is gone
  if (before !== undefined && before.czxid !== stat.czxid) m = lockContenderGone(m, lock, node, step);
  const state = m.locks.get(lock) ?? { lock, contenders: IMap<string, LockContenderState>(), holders: [], heldSince: null };
  const previous = state.contenders.get(node);
  const owner = lockOwnerOf(event);
  const contender: LockContenderState = {
    node,
    seq: Number.isFinite(seq) ? seq : Number.MAX_SAFE_INTEGER,
    mode,
    session: stat.ephemeralOwner,
    owner,
    ctime: stat.ctime,
    czxid: stat.czxid,
  };
  if (previous?.heldSince !== undefined) contender.heldSince = previous.heldSince;
  if (
    previous !== undefined &&
    previous.owner === contender.owner &&
    previous.session === contender.session &&
    previous.mode === contender.mode &&
    previous.seq === contender.seq &&
    previous.ctime === contender.ctime
  ) {
    return m; // a rewrite of the same data: nothing changed
  }
  const next: LockState = { ...state, contenders: state.contenders.set(node, contender) };
  // a rewrite (not a new contender) cannot change who holds it; nor can an exclusive or write contender
  // queueing behind a holder (the usual waiter: O(log k), not a judgement of every contender)
  if (previous !== undefined || !settled(m) || queuesBehind(next, contender)) return withLock(m, next);
  return withLock(m, judged(next, step, step.time));
}

/** A contender's node is gone (released, or its session ended). */
export function lockContenderGone(model: ClusterModel, lock: string, node: string, step: Step): ClusterModel {
  const state = model.locks.get(lock);
  const contender = state?.contenders.get(node);
  if (state === undefined || contender === undefined) return model;
  const wasHolder = state.holders.includes(node);
  if (wasHolder) released(contender, lock, step);
  const next: LockState = {
    lock,
    contenders: state.contenders.delete(node),
    holders: wasHolder ? state.holders.filter((h) => h !== node) : state.holders,
    heldSince: state.heldSince,
  };
  if (wasHolder) next.vacatedAt = step.time;
  if (wasHolder && state.holders[0] === node) next.heldSince = null;
  if (next.contenders.size === 0) return modelWith(model, { locks: model.locks.delete(lock) });
  return withLock(model, settled(model) ? judged(next, step, step.time) : next);
}

/**
 * A container of contenders was removed: one lock's (`group` is the lock path, or a path above several
 * locks) or, without a group, every lock. Its contenders go with it, holders released.
 */
export function locksContainerGone(model: ClusterModel, group: string | undefined, step: Step): ClusterModel {
  let m = model;
  for (const [lock, state] of model.locks) {
    if (group !== undefined && lock !== group && !lock.startsWith(`${group}/`)) continue;
    for (const node of state.holders) {
      const c = state.contenders.get(node);
      if (c !== undefined) released(c, lock, step);
    }
    m = modelWith(m, { locks: m.locks.delete(lock) });
  }
  return m;
}

/** A sync ended: who holds each lock is judged now (not while the sync lists the contenders one by one). */
export function settleLocks(model: ClusterModel, step: Step): ClusterModel {
  if (model.locks.size === 0) return model;
  let locks = model.locks;
  for (const [lock, state] of model.locks) {
    const next = judged(state, step, state.vacatedAt);
    if (next !== state) locks = locks.set(lock, next);
  }
  return locks === model.locks ? model : modelWith(model, { locks });
}

/** An exclusive or write contender after the last holder waits, whatever else waits (docs/contract.md §9). */
function queuesBehind(state: LockState, c: LockContenderState): boolean {
  if (c.mode !== 'exclusive' && c.mode !== 'write') return false;
  const last = state.holders[state.holders.length - 1];
  const holder = last === undefined ? undefined : state.contenders.get(last);
  return holder !== undefined && c.seq > holder.seq;
}

function withLock(model: ClusterModel, state: LockState): ClusterModel {
  return modelWith(model, { locks: model.locks.set(state.lock, state) });
}

function released(c: LockContenderState, lock: string, step: Step): void {
  const since = c.heldSince ?? c.ctime;
  emit(step, { type: 'LockReleased', lock, node: c.node, owner: c.owner, heldMs: Math.max(0, step.time - since) });
}

/**
 * Holders from the contenders (lockHolders), the differences announced. `takeover`: when the lock was
 * vacated (a holder left) — a new holder holds from the later of its ctime and then; a holder that did
 * not take over from anyone (the first sync, a free lock, a reader joining readers) holds from its ctime.
 */
function judged(state: LockState, step: Step, takeover: number | undefined): LockState {
  const all: Contender[] = [];
  for (const c of state.contenders.values()) all.push({ node: c.node, seq: c.seq, mode: c.mode });
  // the holder order is the sequence (then the name), never the map's order
  all.sort((a, b) => a.seq - b.seq || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const holders = lockHolders(all).map((h) => h.node);
  const same = holders.length === state.holders.length && holders.every((h, i) => h === state.holders[i]);
  if (same && state.vacatedAt === undefined) return state;
  let contenders = state.contenders;
  for (const node of state.holders) {
    if (holders.includes(node)) continue;
    const c = contenders.get(node);
    if (c === undefined) continue;
    // still there but no longer holding (a re-created lock node's lower sequence): released
    released(c, state.lock, step);
    const { heldSince: _, ...waiting } = c;
    contenders = contenders.set(node, waiting);
    takeover ??= step.time;
  }
  const waiters = contenders.size - holders.length;
  for (const node of holders) {
    const c = contenders.get(node);
    if (c === undefined || state.holders.includes(node)) continue;
    const heldSince = takeover === undefined ? c.ctime : Math.max(c.ctime, takeover);
    contenders = contenders.set(node, { ...c, heldSince });
    emit(step, { type: 'LockAcquired', lock: state.lock, node, owner: c.owner, session: c.session, waiters });
  }
  const first = holders[0] === undefined ? undefined : contenders.get(holders[0]);
  return { lock: state.lock, contenders, holders, heldSince: first?.heldSince ?? null };
}
