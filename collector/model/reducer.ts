/**
 * The cluster model reducer: (model, watch event, time) → (model, domain events).
 * Pure and deterministic; it never throws — anything unexpected becomes a DataInvalid and the model
 * is left as it was. Each event costs O(log n) in the number of workers and tasks.
 */
import { Map as IMap } from 'immutable';
import type { NodeEvent, WatchEvent } from '../watch/events.ts';
import type { DomainEvent } from './domain-events.ts';
import { allCandidatesGone, candidateGone, candidatePresent, masterGone, masterPresent } from './reduce-election.ts';
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
import type { ClusterModel } from './types.ts';

export interface Reduced {
  model: ClusterModel;
  events: DomainEvent[];
}

export function emptyCluster(name: string, root: string): ClusterModel {
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
  };
}

export function reduceCluster(model: ClusterModel, event: WatchEvent, now: number): Reduced {
  try {
    return reduceOrThrow(model, event, now);
  } catch (err) {
    return internalError(model, event, now, err);
  }
}

function reduceOrThrow(model: ClusterModel, event: WatchEvent, now: number): Reduced {
  const time = Number.isFinite(event.time) ? event.time : now;
  switch (event.kind) {
    case 'connection':
      if ((event.state === 'disconnected' || event.state === 'expired') && !model.blind) {
        return { model: modelWith(model, { blind: true }), events: [] };
      }
      // connected / reconnected: still blind until the resync of this cluster says `synced`.
      return { model, events: [] };
    case 'synced':
      if (event.cluster !== model.name || (model.synced && !model.blind)) return { model, events: [] };
      return { model: modelWith(model, { synced: true, blind: false }), events: [] };
    case 'added':
    case 'changed':
    case 'removed': {
      if (event.cluster !== model.name) return { model, events: [] };
      const step: Step = { cluster: model.name, time, afterBlind: event.afterBlind === true, out: [] };
      const next = reduceNode(model, event, step);
      return { model: next, events: step.out };
    }
    default:
      return { model, events: [] };
  }
}

/** Split "assign/w1/t1" into its names; a leading slash is tolerated, empty names are not. */
function splitPath(path: string): string[] | null {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') return [];
  const parts = trimmed.split('/');
  for (const p of parts) if (p === '') return null;
  return parts;
}

function reduceNode(model: ClusterModel, event: NodeEvent, step: Step): ClusterModel {
  const present = event.kind !== 'removed';
  const path = event.path;
  // the hot path (every heartbeat): R/workers/<id>, without splitting the path
  if (path.length > 8 && path.startsWith('workers/') && path.indexOf('/', 8) === -1) {
    const id = path.slice(8);
    return present ? workerPresent(model, id, event, step) : workerGone(model, id, step);
  }
  const parts = splitPath(path);
  if (parts === null) return model;
  const [top, a, b] = parts;
  const depth = parts.length;

  if (depth === 0) return present ? model : rootGone(model, step);
  if (top === 'master' && depth === 1) return present ? masterPresent(model, event, step) : masterGone(model, step);
  if (top === 'workers' && a !== undefined && depth === 2) {
    return present ? workerPresent(model, a, event, step) : workerGone(model, a, step);
  }
  if (top === 'election' && a !== undefined && depth === 2) {
    return present ? candidatePresent(model, a, event, step) : candidateGone(model, a, step);
  }
  if (top === 'tasks' && a !== undefined && depth === 2) {
    return present ? taskPresent(model, a, event, step) : taskGone(model, a);
  }
  if (top === 'assign' && a !== undefined && b !== undefined && depth === 3) {
    return present ? assignmentPresent(model, a, b, event, step) : assignmentGone(model, a, b);
  }
  if (top === 'status' && a !== undefined && depth === 2) {
    return present ? statusPresent(model, a, event, step) : statusGone(model, a, step);
  }
  // Container nodes: their appearance says nothing. ZooKeeper removes children first, but a resync
  // may report a vanished subtree in any order, so a removed container takes its children with it.
  if (!present && depth === 1) return containerGone(model, parts, step);
  if (!present && top === 'assign' && depth === 2) return tasksContainerGone(model, parts, step);
  return model;
}

function containerGone(model: ClusterModel, parts: string[], step: Step): ClusterModel {
  switch (parts[0]) {
    case 'workers':
      return allWorkersGone(model, step);
    case 'election':
      return allCandidatesGone(model, step);
    case 'tasks':
    case 'assign':
    case 'status':
      return tasksContainerGone(model, parts, step);
    default:
      return model;
  }
}

/** The cluster root itself vanished: everything under it is gone. */
function rootGone(model: ClusterModel, step: Step): ClusterModel {
  let m = masterGone(model, step);
  for (const container of ['election', 'workers', 'status', 'assign', 'tasks']) m = containerGone(m, [container], step);
  return m;
}

function internalError(model: ClusterModel, event: unknown, now: number, err: unknown): Reduced {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Partial<NodeEvent>;
  const time = typeof e.time === 'number' && Number.isFinite(e.time) ? e.time : now;
  let message: string;
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    message = 'unknown error';
  }
  const step: Step = { cluster: model.name, time, afterBlind: e.afterBlind === true, out: [] };
  const path = typeof e.path === 'string' ? e.path : '';
  emit(step, { type: 'DataInvalid', path, reason: `could not apply ${String(e.kind)} event: ${message}`.replace(/\s+/g, ' ') });
  return { model: modelWith(model, { invalidCount: model.invalidCount + 1 }), events: step.out };
}
