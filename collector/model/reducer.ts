/**
 * The cluster model reducer: (model, watch event, time) → (model, domain events).
 * What a node is comes from the cluster's layout (contract/layout.ts; the zkpulse layout by default).
 * Pure and deterministic; it never throws — anything unexpected becomes a DataInvalid and the model
 * is left as it was. Each event costs O(log n) in the number of workers, tasks, locks and configuration keys
 * (a lock's change of holders also O(k log k) in that lock's contenders k).
 */
import { Map as IMap } from 'immutable';
import type { ContainerRole, Layout, SplitBrainCheck } from '../../contract/layout.ts';
import { zkpulseLayout } from '../../contract/zkpulse/layout.ts';
import type { NodeEvent, SequenceEvent, WatchEvent } from '../watch/events.ts';
import { SEQUENCE_REPORT_FLOOR } from '../../contract/sequence-floor.ts';
import type { DomainEvent } from './domain-events.ts';
import {
  allCandidatesGone,
  candidateGone,
  candidatePresent,
  leaderEpochGone,
  leaderEpochPresent,
  masterGone,
  masterPresent,
  settleLeader,
} from './reduce-election.ts';
import { configContainerGone, configGone, configPresent } from './reduce-config.ts';
import { lockContenderGone, lockContenderPresent, locksContainerGone, settleLocks } from './reduce-locks.ts';
import { partitionGone, partitionPresent, partitionsGone } from './reduce-partitions.ts';
import {
  assignmentGone,
  assignmentPresent,
  statusGone,
  statusPresent,
  taskGone,
  taskPresent,
  tasksContainerGone,
} from './reduce-tasks.ts';
import { allWorkersGone, workerGone, workerPresent } from './reduce-workers.ts';
import { emit, modelWith, type Step } from './step.ts';
import type { ClusterModel, ModelPlaces } from './types.ts';

export interface Reduced {
  model: ClusterModel;
  events: DomainEvent[];
}

/** How SplitBrain is judged for a layout (null: it cannot show one). */
export function splitBrainCheckOf(layout: Layout): SplitBrainCheck | null {
  return layout.capabilities.splitBrain ? (layout.splitBrainCheck ?? 'session') : null;
}

const PLACES = new WeakMap<Layout, ModelPlaces>();

/** Where the layout keeps the leader and members (one object per layout). */
export function placesOf(layout: Layout): ModelPlaces {
  let places = PLACES.get(layout);
  if (places === undefined) {
    places = { leader: layout.leaderRule === 'lowest-candidate' ? null : layout.paths.leader, member: (id) => layout.paths.member(id) };
    PLACES.set(layout, places);
  }
  return places;
}

export function emptyCluster(name: string, root: string, layout: Layout = zkpulseLayout): ClusterModel {
  return {
    name,
    root,
    master: null,
    candidates: IMap(),
    workers: IMap(),
    tasks: IMap(),
    openTasks: IMap(),
    invalidCount: 0,
    invalid: IMap(),
    synced: false,
    blind: false,
    partitions: IMap(),
    leaderEpoch: null,
    splitBrainCheck: splitBrainCheckOf(layout),
    places: placesOf(layout),
    locks: IMap(),
    config: IMap(),
    sequences: IMap(),
  };
}

export function reduceCluster(model: ClusterModel, event: WatchEvent, now: number, layout: Layout = zkpulseLayout): Reduced {
  try {
    return reduceOrThrow(model, event, now, layout);
  } catch (err) {
    return internalError(model, event, now, err, layout);
  }
}

function reduceOrThrow(model: ClusterModel, event: WatchEvent, now: number, layout: Layout): Reduced {
  const time = Number.isFinite(event.time) ? event.time : now;
  switch (event.kind) {
    case 'connection':
      if ((event.state === 'disconnected' || event.state === 'expired') && !model.blind) {
        return { model: modelWith(model, { blind: true }), events: [] };
      }
      // connected / reconnected: still blind until the resync of this cluster says `synced`.
      return { model, events: [] };
    case 'synced': {
      if (event.cluster !== model.name || (model.synced && !model.blind)) return { model, events: [] };
      const synced = modelWith(model, { synced: true, blind: false });
      if (layout.leaderRule === 'node' && layout.leaderEpoch === undefined && synced.locks.size === 0) return { model: synced, events: [] };
      const step: Step = { cluster: model.name, time, afterBlind: event.afterBlind === true, out: [], layout };
      return { model: settleLocks(settleLeader(synced, step), step), events: step.out };
    }
    case 'sequence':
      return { model: event.cluster === model.name ? sequenceSeen(model, event) : model, events: [] };
    case 'added':
    case 'changed':
    case 'removed': {
      if (event.cluster !== model.name) return { model, events: [] };
      const step: Step = { cluster: model.name, time, afterBlind: event.afterBlind === true, out: [], layout };
      // a model made without its layout (emptyCluster's default) learns how its split brain is judged and where its nodes are
      const check = splitBrainCheckOf(layout);
      const places = placesOf(layout);
      const known = check === model.splitBrainCheck && places === model.places ? model : modelWith(model, { splitBrainCheck: check, places });
      const next = reduceNode(known, event, step);
      return { model: next, events: step.out };
    }
    default:
      return { model, events: [] };
  }
}

function reduceNode(model: ClusterModel, event: NodeEvent, step: Step): ClusterModel {
  const present = event.kind !== 'removed';
  const node = step.layout.classify(event.path);
  switch (node.role) {
    case 'member':
      return present ? workerPresent(model, node.id, event, step, node.host) : workerGone(model, node.id, step);
    case 'leader':
      return present ? masterPresent(model, event, step) : masterGone(model, step);
    case 'candidate': {
      const m = present ? candidatePresent(model, node.node, node.seq, event, step, node.id) : candidateGone(model, node.node, step);
      // a latch's candidates are its members too
      if (node.member === undefined) return m;
      return present ? workerPresent(m, node.member, event, step) : workerGone(m, node.member, step);
    }
    case 'leader-epoch':
      return present ? leaderEpochPresent(model, event, step) : leaderEpochGone(model, step);
    case 'partition':
      return present ? partitionPresent(model, node.topic, node.partition, event, step) : partitionGone(model, node.topic, node.partition, step);
    case 'task':
      return present ? taskPresent(model, node.task, event, step) : taskGone(model, node.task);
    case 'assignment':
      return present ? assignmentPresent(model, node.member, node.task, event, step) : assignmentGone(model, node.member, node.task);
    case 'status':
      return present ? statusPresent(model, node.task, event, step) : statusGone(model, node.task, step);
    case 'lock-contender':
      return present
        ? lockContenderPresent(model, node.lock, node.node, node.seq, node.mode, event, step)
        : lockContenderGone(model, node.lock, node.node, step);
    case 'config':
      return present ? configPresent(model, node.key, event, step) : configGone(model, node.key, step);
    // Container nodes: their appearance says nothing. ZooKeeper removes children first, but a resync
    // may report a vanished subtree in any order, so a removed container takes its children with it.
    case 'container':
      return present ? model : containerGone(model, node.holds, node.member, step, node.group);
    case 'root':
      return present ? model : rootGone(model, step);
    default:
      return model;
  }
}

function containerGone(model: ClusterModel, holds: ContainerRole, member: string | undefined, step: Step, group?: string): ClusterModel {
  switch (holds) {
    case 'member':
      return allWorkersGone(model, step, group);
    case 'candidate':
      return allCandidatesGone(model, step);
    case 'partition':
      return partitionsGone(model, group, step);
    case 'lock-contender':
      return locksContainerGone(model, group, step);
    case 'config':
      return configContainerGone(model, group, step);
    default:
      return tasksContainerGone(model, holds, member, step);
  }
}

/** The cluster root itself vanished: everything under it is gone. */
function rootGone(model: ClusterModel, step: Step): ClusterModel {
  let m = masterGone(model, step);
  for (const holds of ['candidate', 'member', 'status', 'assignment', 'task', 'partition', 'lock-contender', 'config'] as const) {
    m = containerGone(m, holds, undefined, step);
  }
  return m;
}

/** A watched parent's cversion (SequenceEvent): kept from the report floor up; null or below it: forgotten. */
function sequenceSeen(model: ClusterModel, event: SequenceEvent): ClusterModel {
  const { path, cversion } = event;
  if (typeof path !== 'string') return model;
  if (typeof cversion !== 'number' || !Number.isFinite(cversion) || cversion < SEQUENCE_REPORT_FLOOR) {
    return model.sequences.has(path) ? modelWith(model, { sequences: model.sequences.delete(path) }) : model;
  }
  return model.sequences.get(path) === cversion ? model : modelWith(model, { sequences: model.sequences.set(path, cversion) });
}

function internalError(model: ClusterModel, event: unknown, now: number, err: unknown, layout: Layout): Reduced {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Partial<NodeEvent>;
  const time = typeof e.time === 'number' && Number.isFinite(e.time) ? e.time : now;
  let message: string;
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    message = 'unknown error';
  }
  const step: Step = { cluster: model.name, time, afterBlind: e.afterBlind === true, out: [], layout };
  const path = typeof e.path === 'string' ? e.path : '';
  emit(step, { type: 'DataInvalid', path, reason: `could not apply ${String(e.kind)} event: ${message}`.replace(/\s+/g, ' ') });
  return { model: modelWith(model, { invalidCount: model.invalidCount + 1 }), events: step.out };
}
