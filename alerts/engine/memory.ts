/**
 * How the engine keeps what the rules remember between evaluations, per cluster: master changes (MasterFlapping),
 * inter-beat intervals (HeartbeatStale's phi mode), when each task's `done` last moved
 * (ProgressStalled) and which workers crashed (WorkerLost, so that a restart of the collector does
 * not forget them). Updated by `observe`, a pure function of (memory, event, now) called for every
 * domain event; times come from the events (observation time), never from a clock.
 *
 * Events can be missed: the engine starts after its state has loaded, when the collector may have
 * synced already. So the memory is also brought in line with the model (`regainSight` when the
 * engine first sees a cluster and after every resync, `reconcileMemory` at every evaluation).
 * The memory's shape, and how the rules read it, are in `../rules/memory.ts`.
 */
import { Map as IMap } from 'immutable';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import { memoryWith, type BeatMemory, type ClusterMemory, type KeptClock, type ProgressMemory } from '../rules/memory.ts';

/** inter-beat intervals kept per worker for the phi detector */
export const MAX_INTERVALS = 32;
/** master change times kept per cluster (far more than any sensible `changes` threshold) */
export const MAX_MASTER_CHANGES = 64;

/** The firing alerts of a cluster whose clocks a blind period must not restart: subject id → the fact they rest on. */
export interface FiringClocks {
  /** HeartbeatStale: worker → its last beat */
  beats: ReadonlyMap<string, number>;
  /** ProgressStalled: task → when its `done` last moved */
  stalls: ReadonlyMap<string, number>;
}

export interface SightInput {
  model: ClusterModel;
  firing: FiringClocks;
  limits: ReconcileLimits;
  /** whether beat intervals are kept (HeartbeatStale in phi mode) */
  keepIntervals: boolean;
  now: number;
}

/**
 * The first evaluation that sees a (synced, not blind) cluster after a blind period, or after the
 * engine started: a new sight clock starts (time spent blind counts for nobody), except for what was
 * firing when sight was lost (it keeps its clock), and the memory is seeded from the model with what
 * no event told it (the engine may have started after the first sync; see `seedFromModel`).
 */
export function regainSight(memory: ClusterMemory, input: SightInput): ClusterMemory {
  const keep = (kept: IMap<string, KeptClock>, firing: ReadonlyMap<string, number>) => {
    let out = IMap<string, KeptClock>();
    for (const [id, at] of firing) {
      const previous = kept.get(id);
      out = out.set(id, { at, from: previous !== undefined && previous.at === at ? previous.from : memory.sightSince });
    }
    return out;
  };
  const sighted = memoryWith(memory, {
    blind: false,
    sightSince: input.now,
    keptBeats: keep(memory.keptBeats, input.firing.beats),
    keptStalls: keep(memory.keptStalls, input.firing.stalls),
  });
  return seedFromModel(sighted, input);
}

/**
 * What the model knows and the memory may not (events before the engine subscribed, or a state
 * restored from before a restart): crashes still within `resolveAfter` (WorkerLost), and in phi mode
 * each worker's last beat, so that the next interval starts there (an interval spanning a blind
 * period is never recorded) and workers gone meanwhile are forgotten. Runs once per regained sight:
 * it visits every worker.
 */
function seedFromModel(memory: ClusterMemory, { model, limits, keepIntervals, now }: SightInput): ClusterMemory {
  let lost = memory.lost;
  let beats = memory.beats;
  for (const w of model.workers.values()) {
    if (!w.up && w.leftReason === 'crash' && w.leftAt !== null && now - w.leftAt < limits.resolveAfter && !lost.has(w.id)) {
      lost = lost.set(w.id, w.leftAt);
    }
    if (keepIntervals && w.up) {
      const seen = beats.get(w.id);
      if (seen === undefined || seen.last !== w.lastBeat) beats = beats.set(w.id, { last: w.lastBeat, intervals: seen?.intervals ?? NO_INTERVALS });
    }
  }
  if (keepIntervals) {
    const up = (_: BeatMemory, id: string) => model.workers.get(id)?.up === true;
    if (!beats.every(up)) beats = beats.filter(up);
  } else if (beats.size > 0) {
    beats = IMap();
  }
  return lost === memory.lost && beats === memory.beats ? memory : memoryWith(memory, { lost, beats });
}

const NO_INTERVALS: readonly number[] = Object.freeze([]);

/** `[...list, value].slice(-max)` in one allocation (this runs on every heartbeat). */
function appendCapped(list: readonly number[], value: number, max: number): number[] {
  const keep = Math.min(list.length, max - 1);
  const out = new Array<number>(keep + 1);
  const from = list.length - keep;
  for (let i = 0; i < keep; i++) out[i] = list[from + i]!;
  out[keep] = value;
  return out;
}

/**
 * Fold one domain event into its cluster's memory. `keepIntervals`: whether a HeartbeatSeen is
 * remembered (only HeartbeatStale's phi mode reads beat intervals; in age mode a beat changes nothing
 * here, which spares two map updates per heartbeat).
 */
export function observeEvent(memory: ClusterMemory, event: DomainEvent, now: number, keepIntervals: boolean): ClusterMemory {
  const time = Number.isFinite(event.time) ? event.time : now;
  switch (event.type) {
    case 'MasterElected': {
      if (memory.lastEpoch === event.epoch) return memory;
      const changes =
        memory.lastEpoch === null ? memory.masterChanges : [...memory.masterChanges, time].slice(-MAX_MASTER_CHANGES);
      return memoryWith(memory, { lastEpoch: event.epoch, masterChanges: changes });
    }
    case 'CandidateJoined':
      return memory.candidateSeen ? memory : memoryWith(memory, { candidateSeen: true });
    case 'WorkerJoined':
      return memoryWith(memory, { beats: memory.beats.delete(event.worker), lost: memory.lost.delete(event.worker) });
    case 'WorkerLeft':
      return memoryWith(memory, {
        beats: memory.beats.delete(event.worker),
        lost: event.reason === 'crash' ? memory.lost.set(event.worker, time) : memory.lost.delete(event.worker),
      });
    case 'HeartbeatSeen': {
      if (!keepIntervals) return memory;
      const previous = memory.beats.get(event.worker);
      let intervals = previous?.intervals ?? NO_INTERVALS;
      // A beat found by a resync may follow beats we never saw: that gap is not an interval.
      if (previous !== undefined && event.afterBlind !== true && event.beat > previous.last) {
        intervals = appendCapped(intervals, event.beat - previous.last, MAX_INTERVALS);
      }
      return memoryWith(memory, { beats: memory.beats.set(event.worker, { last: event.beat, intervals }) });
    }
    case 'ProgressUpdated': {
      const previous = memory.progress.get(event.task);
      if (previous !== undefined && previous.done === event.done) return memory;
      return memoryWith(memory, { progress: memory.progress.set(event.task, { done: event.done, since: time }) });
    }
    case 'TaskFinished':
      return memoryWith(memory, { progress: memory.progress.delete(event.task) });
    default:
      return memory;
  }
}

export interface ReconcileLimits {
  /** MasterFlapping's window, ms */
  flappingWindow: number;
  /** WorkerLost's resolveAfter, ms */
  resolveAfter: number;
}

/**
 * Bring a cluster's memory in line with its (synced, not blind) model before the rules read it:
 * running tasks whose `done` the memory does not know start their stall clock now (first seen, or
 * moved while no event told the memory), entries of tasks that no longer run and of workers that are
 * back are dropped, kept clocks end once their fact changed, old master changes and crashes expire,
 * and a master epoch the memory missed is taken from the model (a change when it replaces another).
 */
export function reconcileMemory(memory: ClusterMemory, model: ClusterModel, limits: ReconcileLimits, now: number): ClusterMemory {
  // This runs at every evaluation: each collection is rebuilt only when something in it changes.
  let progress = memory.progress;
  // only unfinished tasks can be running (the model keeps finished ones too, maybe thousands)
  for (const task of model.openTasks.values()) {
    if (task.state !== 'running' || task.progress === null) continue;
    const seen = progress.get(task.id);
    if (seen === undefined || seen.done !== task.progress.done) progress = progress.set(task.id, { done: task.progress.done, since: now });
  }
  const stillRunning = (_: ProgressMemory, id: string) => model.tasks.get(id)?.state === 'running';
  if (!progress.every(stillRunning)) progress = progress.filter(stillRunning);
  const keepLost = (leftAt: number, id: string) => now - leftAt < limits.resolveAfter && model.workers.get(id)?.up !== true;
  const lost = memory.lost.every(keepLost) ? memory.lost : memory.lost.filter(keepLost);
  const recent = (t: number) => now - t < limits.flappingWindow;
  let masterChanges = memory.masterChanges.every(recent) ? memory.masterChanges : memory.masterChanges.filter(recent);
  let lastEpoch = memory.lastEpoch;
  if (model.master !== null && model.master.epoch !== lastEpoch) {
    if (lastEpoch !== null) masterChanges = [...masterChanges, now].slice(-MAX_MASTER_CHANGES);
    lastEpoch = model.master.epoch;
  }
  const beatKept = (k: KeptClock, id: string) => {
    const w = model.workers.get(id);
    return w !== undefined && w.up && w.lastBeat === k.at;
  };
  const keptBeats = memory.keptBeats.every(beatKept) ? memory.keptBeats : memory.keptBeats.filter(beatKept);
  const stallKept = (k: KeptClock, id: string) => progress.get(id)?.since === k.at;
  const keptStalls = memory.keptStalls.every(stallKept) ? memory.keptStalls : memory.keptStalls.filter(stallKept);
  const same =
    progress === memory.progress &&
    lost === memory.lost &&
    masterChanges === memory.masterChanges &&
    lastEpoch === memory.lastEpoch &&
    keptBeats === memory.keptBeats &&
    keptStalls === memory.keptStalls;
  return same ? memory : memoryWith(memory, { progress, lost, masterChanges, lastEpoch, keptBeats, keptStalls });
}
