/**
 * Replays recordings through the collector's own pipeline (collector/pipeline.ts: models, domain
 * events, points → Alerting: rule engine and notifier) in virtual time, and returns the notifications that would have been sent.
 *
 * Time: a ReplayScheduler starts at the first event's time; before each event the scheduler runs
 * every action due by then (engine ticks, group timers, gauge ticks), one at a time, letting the
 * notifier's deliveries settle after each. No wall clock anywhere: the same input gives the same
 * output bytes on any machine.
 */
import type { Subscription } from 'rxjs';
import type { WatchEvent } from '../collector/watch/events.ts';
import type { Point } from '../collector/influx/line-protocol.ts';
import { EventPipeline } from '../collector/pipeline.ts';
import { gaugeTicks } from '../collector/influx/gauges.ts';
import { withEnsembleTags } from '../collector/influx/ensemble-tags.ts';
import { Alerting } from '../alerts/service.ts';
import type { HttpPost } from '../alerts/notify/http-post.ts';
import type { WebhookBody } from '../alerts/notify/webhook-body.ts';
import type { ReplayConfig } from './config.ts';
import { clusterRootsOf } from '../collector/config.ts';
import { zkpulseLayout } from '../contract/zkpulse/layout.ts';
import { readLines } from './lines.ts';
import { notificationLine, type NotificationLine } from './notification-line.ts';
import { layoutOf, parseRecordLine, recipesOf, rootOf } from '../collector/record-schema.ts';
import { DEFAULT_LAYOUT } from '../contract/layouts.ts';
import { seededRandom } from './seeded-random.ts';
import { ReplayScheduler } from './virtual-clock.ts';

/** A line of a recording that is not a valid event: `file:line: problem`. */
export class BadRecordError extends Error {
  override readonly name = 'BadRecordError';
}

/** Where the backfill goes (an InfluxWriter), with back-pressure: replay outruns any database. */
export interface PointSink {
  write(points: Point[]): void;
  /** resolves when the sink can take more (called every few thousand events) */
  drain?(): Promise<void>;
}

export const DEFAULT_TAIL_MS = 10 * 60_000;

export interface ReplayOptions {
  /** recordings, oldest first (a rotated set: f.2.ndjson, f.1.ndjson, f.ndjson) */
  files: readonly string[];
  config: ReplayConfig;
  /** virtual time to run on after the last event (default 10 min) */
  tailMs?: number;
  /** report bad lines through onBadLine and go on, instead of throwing BadRecordError */
  skipBad?: boolean;
  onBadLine?: (message: string) => void;
  /** each notification, as soon as it is decided (also returned at the end) */
  onNotification?: (line: NotificationLine) => void;
  /** InfluxDB backfill at the original times */
  points?: PointSink;
  /** gauge cadence of the backfill, ms (default 10 s, as live) */
  gaugePeriodMs?: number;
  /**
   * virtual time at which alerting starts (default: with the first event). Events observed before it
   * reach the models only, as in a live collector whose alert state took that long to load.
   */
  alertingStartsAt?: number;
}

export interface ReplayResult {
  notifications: NotificationLine[];
  events: number;
  badLines: number;
  /** virtual time of the first and last event, and where the replay stopped; null without events */
  firstTime: number | null;
  lastTime: number | null;
  endTime: number | null;
}

/**
 * Why a cluster's first line (the one with its root) was recorded with another layout than the config gives,
 * or null. A recording read with another layout would be read as different znodes: refused, not guessed.
 */
function layoutMismatch(event: WatchEvent, config: ReplayConfig): string | null {
  if (event.kind === 'connection' || rootOf(event) === undefined) return null;
  const recorded = layoutOf(event) ?? DEFAULT_LAYOUT;
  const configured = config.collect.layouts?.[event.cluster]?.configured ?? DEFAULT_LAYOUT;
  const name = (l: unknown) => (typeof l === 'string' ? l : 'custom (inline)');
  if (JSON.stringify(recorded) !== JSON.stringify(configured)) {
    return `cluster "${event.cluster}" was recorded with the layout ${name(recorded)}, the config gives ${name(configured)}: replay with the collector's config, or without --config`;
  }
  const recordedRecipes = recipesOf(event) ?? null;
  const configuredRecipes = config.collect.layouts?.[event.cluster]?.recipes ?? null;
  if (JSON.stringify(recordedRecipes) === JSON.stringify(configuredRecipes)) return null;
  return `cluster "${event.cluster}" was recorded with other locks/config globs than the config gives: replay with the collector's config, or without --config`;
}

/** The events of all files, validated line by line. */
function* events(options: ReplayOptions, counters: { bad: number }): Generator<WatchEvent> {
  for (const file of options.files) {
    for (const line of readLines(file)) {
      if (line.text.trim() === '') continue;
      const parsed = parseRecordLine(line.text);
      if (parsed.ok) {
        const mismatch = layoutMismatch(parsed.event, options.config);
        if (mismatch) throw new BadRecordError(`${file}:${line.number}: ${mismatch}`);
        yield parsed.event;
        continue;
      }
      const problem = line.unterminated && parsed.problem.startsWith('not JSON') ? `truncated line: ${parsed.problem}` : parsed.problem;
      const message = `${file}:${line.number}: ${problem}`;
      if (!options.skipBad) throw new BadRecordError(message);
      counters.bad++;
      options.onBadLine?.(message);
    }
  }
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const counters = { bad: 0 };
  const source = events(options, counters);
  const first = source.next();
  const result: ReplayResult = { notifications: [], events: 0, badLines: 0, firstTime: null, lastTime: null, endTime: null };
  // after each scheduled action: let any delivery it started finish before virtual time moves on
  const settle = () => alerting.idle();
  if (first.done) {
    result.badLines = counters.bad;
    return result;
  }

  const { config } = options;
  const scheduler = new ReplayScheduler(first.value.time);
  const clusters = clusterRootsOf(config.collect);
  const sink = options.points;
  // the points of a cluster on a named ensemble carry its tag, as the collector writes them (data-plane.ts)
  const named = new Map(Object.entries(config.collect.ensembleOf ?? {}));
  const write = sink ? (points: Point[]) => sink.write(withEnsembleTags(points, named)) : undefined;
  const pipeline = new EventPipeline({ clusters, writePoints: write });

  // the receivers' fake endpoint: records the v4 body at the virtual instant it is posted, answers 200
  const post: HttpPost = (_url, body) => {
    const line = notificationLine(JSON.parse(body) as WebhookBody, scheduler.now());
    result.notifications.push(line);
    options.onNotification?.(line);
    return Promise.resolve({ kind: 'http', status: 200 });
  };
  let deliveries = 0;
  // each session's state as its last connection event said: a late engine start reads it (isConnected)
  const connected = new Map<string, boolean>();
  const clusterEnsembles = config.collect.ensembleOf ? new Map(Object.entries(config.collect.ensembleOf)) : undefined;
  const alerting = new Alerting({
    config: config.alerts,
    receivers: config.receivers,
    domainEvents$: pipeline.events$,
    watchEvents$: pipeline.watchEvents$,
    getModels: () => pipeline.all(),
    capabilities: new Map(clusters.map((c) => [c.name, (c.layout ?? zkpulseLayout).capabilities])),
    scheduler,
    externalURL: config.externalURL,
    writePoints: write,
    post,
    random: seededRandom(1),
    newDeliveryId: () => `replay-${++deliveries}`,
    isConnected: (ensemble) => connected.get(ensemble) ?? false,
    ...(clusterEnsembles ? { clusterEnsembles } : {}),
  });
  const startsAt = options.alertingStartsAt ?? first.value.time;
  let alertingStarted = false;
  const startAlerting = async () => {
    alertingStarted = true;
    if (scheduler.now() < startsAt) await scheduler.advanceTo(startsAt, settle);
    await alerting.start();
  };
  if (startsAt <= first.value.time) await startAlerting();
  const subs: Subscription[] = [];
  if (sink) subs.push(gaugeTicks({ models: () => pipeline.all(), scheduler, periodMs: options.gaugePeriodMs }).subscribe((points) => points.length > 0 && write?.(points)));

  const apply = (event: WatchEvent) => {
    if (event.kind === 'connection') connected.set(event.ensemble ?? 'default', event.state === 'connected' || event.state === 'reconnected');
    pipeline.push(event, scheduler.now());
  };

  try {
    let event: WatchEvent | undefined = first.value;
    while (event) {
      if (!alertingStarted && event.time >= startsAt) await startAlerting();
      // the recorder's clock may step back a little (NTP): virtual time never does
      // the `cluster` gauges of the events of one instant are written once, before time moves on
      if (pipeline.pendingGauges && event.time > scheduler.now()) pipeline.flushGauges();
      // most events have no action due before them: move the clock without an await
      if (!scheduler.advanceToIdle(event.time)) await scheduler.advanceTo(event.time, settle);
      apply(event);
      result.events++;
      if (sink?.drain && result.events % 4096 === 0) await sink.drain();
      const next = source.next();
      event = next.done ? undefined : next.value;
    }
    if (!alertingStarted) await startAlerting();
    result.firstTime = first.value.time;
    result.lastTime = scheduler.now();
    pipeline.flushGauges();
    await scheduler.advanceTo(result.lastTime + (options.tailMs ?? DEFAULT_TAIL_MS), settle);
    result.endTime = scheduler.now();
  } finally {
    for (const s of subs) s.unsubscribe();
    await alerting.stop();
    pipeline.complete();
  }
  result.badLines = counters.bad;
  return result;
}
