/**
 * What one reducer step carries around: where domain events go, and the bookkeeping of invalid
 * data shared by every kind of node.
 */
import type { Layout } from '../../contract/layout.ts';
import type { NodeEvent } from '../watch/events.ts';
import type { DomainEvent } from './domain-events.ts';
import type { ClusterModel } from './types.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A domain event without the fields every event shares. */
export type DomainEventBody = DistributiveOmit<DomainEvent, 'cluster' | 'time' | 'afterBlind'>;

export interface Step {
  cluster: string;
  time: number;
  afterBlind: boolean;
  out: DomainEvent[];
  /** what the cluster's nodes are: their decoders and the relative paths of its invalid-data keys */
  layout: Layout;
}

/**
 * `{ ...model, ...patch }`, spelt out: V8 builds an object literal many times faster than it runs a
 * spread, and this runs for every event. Lists every field of ClusterModel (types.ts), in its order;
 * a field added there must be added here.
 */
export function modelWith(m: ClusterModel, p: Partial<ClusterModel>): ClusterModel {
  return {
    name: p.name === undefined ? m.name : p.name,
    root: p.root === undefined ? m.root : p.root,
    master: p.master === undefined ? m.master : p.master,
    candidates: p.candidates === undefined ? m.candidates : p.candidates,
    workers: p.workers === undefined ? m.workers : p.workers,
    tasks: p.tasks === undefined ? m.tasks : p.tasks,
    openTasks: p.openTasks === undefined ? m.openTasks : p.openTasks,
    invalidCount: p.invalidCount === undefined ? m.invalidCount : p.invalidCount,
    invalid: p.invalid === undefined ? m.invalid : p.invalid,
    synced: p.synced === undefined ? m.synced : p.synced,
    blind: p.blind === undefined ? m.blind : p.blind,
    partitions: p.partitions === undefined ? m.partitions : p.partitions,
    leaderEpoch: p.leaderEpoch === undefined ? m.leaderEpoch : p.leaderEpoch,
    splitBrainCheck: p.splitBrainCheck === undefined ? m.splitBrainCheck : p.splitBrainCheck,
    places: p.places === undefined ? m.places : p.places,
    locks: p.locks === undefined ? m.locks : p.locks,
    config: p.config === undefined ? m.config : p.config,
    sequences: p.sequences === undefined ? m.sequences : p.sequences,
  };
}

/**
 * The raw bytes for a layout's binary decoders: only when the watch layer carried them (data that is not
 * UTF-8); otherwise undefined, and the decoder reads the text, whose UTF-8 encoding is the bytes. Costs
 * nothing on the hot path (zkpulse data is always UTF-8).
 */
export function eventBytes(event: NodeEvent): Uint8Array | undefined {
  return event.dataBase64 === undefined ? undefined : Buffer.from(event.dataBase64, 'base64');
}

/**
 * Completes `body` into the event and emits it. `body` must be a fresh object literal: it BECOMES
 * the event (no copy on the hot path; the key order is the same as a spread would give).
 */
export function emit(step: Step, body: DomainEventBody): void {
  const event = body as DomainEvent;
  event.cluster = step.cluster;
  event.time = step.time;
  if (step.afterBlind) event.afterBlind = true;
  step.out.push(event);
}

/**
 * Record whether the data at `path` is valid. A DataInvalid is emitted (and counted) only when the
 * reason for that path changes, so a worker rewriting the same bad data on every beat reports once.
 */
export function trackValidity(model: ClusterModel, path: string, reason: string | null, step: Step): ClusterModel {
  const previous = model.invalid.get(path);
  if (reason === null) return previous === undefined ? model : modelWith(model, { invalid: model.invalid.delete(path) });
  if (previous === reason) return model;
  emit(step, { type: 'DataInvalid', path, reason });
  return modelWith(model, { invalid: model.invalid.set(path, reason), invalidCount: model.invalidCount + 1 });
}

/** The node at `path` is gone: its data is no longer a current problem. */
export function forgetValidity(model: ClusterModel, path: string): ClusterModel {
  return model.invalid.has(path) ? modelWith(model, { invalid: model.invalid.delete(path) }) : model;
}
