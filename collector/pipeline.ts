/**
 * The one path of a watch event, for the live collector and the replay alike:
 * watch event → next cluster models → domain events → InfluxDB points.
 *
 * stepEvent() is the decision, a pure function of (models, event, time). EventPipeline is the thin
 * shell both callers share: it holds the models, publishes the watch and domain events, writes the
 * points, and batches the `cluster` gauge. When that gauge is written (the next turn of the event loop
 * live, before virtual time moves on in a replay) is the caller's business: flushGauges().
 */
import { Subject } from 'rxjs';
import type { WatchEvent } from './watch/events.ts';
import type { ClusterRoot } from './watch/cluster-watch.ts';
import type { DomainEvent } from './model/domain-events.ts';
import type { ClusterModel } from './model/types.ts';
import { emptyCluster, reduceCluster } from './model/reducer.ts';
import type { Point } from './influx/line-protocol.ts';
import type { Layout } from '../contract/layout.ts';
import { changesClusterGauge, clusterPoint, lockChangePoints, pointsForEvent } from './influx/points.ts';
import { zkpulseLayout } from '../contract/zkpulse/layout.ts';

/** The model of every watched cluster, by name. Never mutated: a step returns a new map. */
export type Models = ReadonlyMap<string, ClusterModel>;

export function initialModels(clusters: readonly ClusterRoot[]): Models {
  return new Map(clusters.map((c) => [c.name, emptyCluster(c.name, c.root, c.layout)]));
}

export interface StepContext {
  /** the time of this step: the collector's clock, or the replay's virtual one */
  now: number;
  /** derive the InfluxDB points (default true); off when nothing writes them */
  points?: boolean;
  /** each cluster's layout; a cluster not in it (or no map) has the zkpulse layout */
  layouts?: ReadonlyMap<string, Layout>;
  /** each cluster's ensemble where not `default`: a connection event applies to the clusters of its own ensemble */
  ensembles?: ReadonlyMap<string, string>;
}

/** The ensembles of the clusters that name one (the others are on `default`), for StepContext.ensembles. */
export function ensemblesOf(clusters: readonly ClusterRoot[]): ReadonlyMap<string, string> {
  const ensembles = new Map<string, string>();
  for (const c of clusters) if (c.ensemble !== undefined && c.ensemble !== DEFAULT_ENSEMBLE) ensembles.set(c.name, c.ensemble);
  return ensembles;
}

const DEFAULT_ENSEMBLE = 'default';

/** The layouts of the clusters that name one (the others are zkpulse), for StepContext.layouts. */
export function layoutsOf(clusters: readonly ClusterRoot[]): ReadonlyMap<string, Layout> {
  const layouts = new Map<string, Layout>();
  for (const c of clusters) if (c.layout) layouts.set(c.name, c.layout);
  return layouts;
}

/** The `cluster` gauge of `cluster` changed at `time`: it counts the whole model, so a burst writes it once. */
export interface GaugeChange {
  cluster: string;
  time: number;
}

export interface StepResult {
  models: Models;
  /** the domain events, in order */
  events: DomainEvent[];
  /** each event's own points (`event`, and the `worker`, `master`, `progress` or `config` point it changed), then the `lock` points of the locks the step changed */
  points: Point[];
  /** the `cluster` gauges it changed (written later, once per burst: EventPipeline.flushGauges) */
  gauges: GaugeChange[];
}

const NONE: never[] = [];

/**
 * One watch event through the reducer (a connection event applies to every cluster of its ensemble; an
 * event of an unknown cluster changes nothing), with the points its domain events make. Pure.
 */
export function stepEvent(models: Models, event: WatchEvent, ctx: StepContext): StepResult {
  let next: Map<string, ClusterModel> | null = null;
  let events: DomainEvent[] = NONE;
  let lockPoints: Point[] = NONE;
  if (event.kind !== 'connection') {
    // the hot path: one cluster, its events as the reducer made them (no copy); sequence events too
    const model = models.get(event.cluster);
    if (!model) return { models, events: NONE, points: NONE, gauges: NONE };
    const layout = ctx.layouts?.get(event.cluster);
    const step = reduceCluster(model, event, ctx.now, layout);
    if (step.model !== model) (next = new Map(models)).set(event.cluster, step.model);
    events = step.events;
    // a lock changes without a domain event when a waiter comes or goes: its point follows the model
    if (ctx.points !== false && step.model.locks !== model.locks) {
      const time = Number.isFinite(event.time) ? event.time : ctx.now;
      lockPoints = lockChangePoints(model, step.model, time, lockOf(event, layout ?? zkpulseLayout));
    }
  } else {
    next = new Map(models);
    events = [];
    const ensemble = event.ensemble ?? DEFAULT_ENSEMBLE;
    for (const [name, model] of models) {
      if ((ctx.ensembles?.get(name) ?? DEFAULT_ENSEMBLE) !== ensemble) continue;
      const step = reduceCluster(model, event, ctx.now, ctx.layouts?.get(name));
      next.set(name, step.model);
      for (const e of step.events) events.push(e);
    }
  }
  const after: Models = next ?? models;
  if (ctx.points === false || (events.length === 0 && lockPoints.length === 0)) return { models: after, events, points: NONE, gauges: NONE };
  const points: Point[] = [];
  const gauges: GaugeChange[] = [];
  for (const e of events) {
    // the model after the whole step, as the points of a connection event (every cluster) need
    const model = after.get(e.cluster);
    if (!model) continue;
    for (const p of pointsForEvent(e, model, ctx.now)) points.push(p);
    if (changesClusterGauge(e)) gauges.push({ cluster: e.cluster, time: Number.isFinite(e.time) ? e.time : ctx.now });
  }
  for (const p of lockPoints) points.push(p);
  return { models: after, events, points, gauges };
}

/** The lock a node event is about (a contender's), so only that lock is compared; undefined: look at all. */
function lockOf(event: WatchEvent, layout: Layout): string | undefined {
  if (event.kind !== 'added' && event.kind !== 'changed' && event.kind !== 'removed') return undefined;
  const node = layout.classify(event.path);
  return node.role === 'lock-contender' ? node.lock : undefined;
}

export interface EventPipelineOptions {
  clusters: readonly ClusterRoot[];
  /** where the points go (e.g. an InfluxWriter); none: no points are derived */
  writePoints?: (points: Point[]) => void;
}

export class EventPipeline {
  /** the watch events, each published before its domain events */
  readonly watchEvents$ = new Subject<WatchEvent>();
  /** the domain events derived from them, in order */
  readonly events$ = new Subject<DomainEvent>();
  private current: Models;
  /** cluster → time of its latest `cluster` gauge change not written yet */
  private readonly dirty = new Map<string, number>();
  private readonly writePoints: ((points: Point[]) => void) | undefined;
  private readonly layouts: ReadonlyMap<string, Layout>;
  private readonly ensembles: ReadonlyMap<string, string>;
  private readonly roots: ReadonlyMap<string, ClusterRoot>;

  constructor(options: EventPipelineOptions) {
    this.current = initialModels(options.clusters);
    this.writePoints = options.writePoints;
    this.layouts = layoutsOf(options.clusters);
    this.ensembles = ensemblesOf(options.clusters);
    this.roots = new Map(options.clusters.map((c) => [c.name, c]));
  }

  /**
   * A configured cluster is watched again (shard mode, DataPlane.setWatched): its model starts empty and
   * unsynced, so its rules wait for the sync. Nothing when it has a model already.
   */
  addCluster(name: string): void {
    const root = this.roots.get(name);
    if (!root || this.current.has(name)) return;
    this.current = new Map(this.current).set(name, emptyCluster(root.name, root.root, root.layout));
  }

  /** A cluster is no longer watched: its model (and its unwritten `cluster` gauge) goes; its events from now on change nothing. */
  removeCluster(name: string): void {
    if (!this.current.has(name)) return;
    const next = new Map(this.current);
    next.delete(name);
    this.current = next;
    this.dirty.delete(name);
  }

  /** the layout of a cluster (undefined: zkpulse) */
  layout(name: string): Layout | undefined {
    return this.layouts.get(name);
  }

  /** Publish one watch event, step the models, write its points, publish its domain events. */
  push(event: WatchEvent, now: number): StepResult {
    this.watchEvents$.next(event);
    const step = stepEvent(this.current, event, { now, points: this.writePoints !== undefined, layouts: this.layouts, ensembles: this.ensembles });
    this.current = step.models;
    if (step.points.length > 0) this.writePoints?.(step.points);
    for (const g of step.gauges) this.dirty.set(g.cluster, g.time);
    for (const e of step.events) this.events$.next(e);
    return step;
  }

  /** a `cluster` gauge is waiting for flushGauges() */
  get pendingGauges(): boolean {
    return this.dirty.size > 0;
  }

  /** Write each changed `cluster` gauge once, at the time of its latest change. */
  flushGauges(): void {
    if (this.dirty.size === 0) return;
    const points: Point[] = [];
    for (const [cluster, time] of this.dirty) {
      const model = this.current.get(cluster);
      if (model) points.push(clusterPoint(model, time));
    }
    this.dirty.clear();
    if (points.length > 0) this.writePoints?.(points);
  }

  get models(): Models {
    return this.current;
  }

  model(name: string): ClusterModel | undefined {
    return this.current.get(name);
  }

  all(): ClusterModel[] {
    return [...this.current.values()];
  }

  /** No more events: the subjects complete. */
  complete(): void {
    this.watchEvents$.complete();
    this.events$.complete();
  }
}
