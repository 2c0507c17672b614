/**
 * GET /api/clusters/:name/live: the live page's coalesced view of one cluster as Server-Sent Events
 * (docs/contract.md §3). First `event: snapshot`, then every `intervalMs` on the injected scheduler at most one
 * `event: delta` — only when something the page shows changed (live-view.ts decides, pure). Never one message
 * per heartbeat: 10,000 beats in a window are one delta.
 *
 * Backpressure per connection: while the client has not taken the last message (bytes still queued), the
 * ticks send nothing and the changes add up into the next delta; a client whose queue grows past
 * `maxBufferedBytes` (a snapshot it does not read) is dropped.
 */
import type { RequestHandler } from 'express';
import { filter, interval, Subscription, type Observable, type SchedulerLike } from 'rxjs';
import type { DomainEvent } from '../model/domain-events.ts';
import type { ClusterModel } from '../model/types.ts';
import { diffLiveView, formatLiveMessage, loggedOnPage, type LiveMessage, type LiveViewOptions, type LiveViewState } from './live-view.ts';

export interface LiveStreamOptions {
  /** the coalescing window: at most one delta this often */
  intervalMs: number;
  /** a comment line this often keeps proxies from closing an idle stream */
  heartbeatMs: number;
  /** a client this far behind (bytes queued) is dropped */
  maxBufferedBytes: number;
}

/** a delta carries at most this many log events (the newest): a burst of crashes is not a burst of bytes */
export const MAX_LOG_PER_MESSAGE = 200;

export const DEFAULT_LIVE_STREAM: LiveStreamOptions = { intervalMs: 250, heartbeatMs: 15_000, maxBufferedBytes: 16 * 1024 * 1024 };

/** Where a feed's chunks go: an HTTP response in the route, a list in the tests. */
export interface LiveSink {
  write(chunk: string): void;
  /** bytes written but not yet taken by the client */
  buffered(): number;
  /** end the connection: the client is too far behind */
  drop(): void;
}

export interface LiveSource {
  /** the cluster's model now; undefined while it is gone (nothing is sent then) */
  model(): ClusterModel | undefined;
  now(): number;
  /** layout name, rules and staleness of the cluster, asked at every tick */
  options(): LiveViewOptions;
  /** the cluster's events the page logs (loggedOnPage), kept until the next message */
  log$?: Observable<DomainEvent>;
}

/**
 * Sends the snapshot at once, then ticks every `intervalMs` on `scheduler`. Returns the subscription that
 * stops it. `onMessage` sees each message sent (counting in tests and metrics).
 */
export function startLiveFeed(
  source: LiveSource,
  sink: LiveSink,
  scheduler: SchedulerLike,
  options: LiveStreamOptions = DEFAULT_LIVE_STREAM,
  onMessage?: (message: LiveMessage) => void,
): Subscription {
  let state: LiveViewState | null = null;
  let lastWrite = scheduler.now();
  let log: DomainEvent[] = [];
  const subscription = new Subscription();
  if (source.log$) {
    subscription.add(
      source.log$.subscribe((event) => {
        log.push(event);
        if (log.length > MAX_LOG_PER_MESSAGE * 2) log = log.slice(-MAX_LOG_PER_MESSAGE);
      }),
    );
  }
  const send = (chunk: string) => {
    sink.write(chunk);
    lastWrite = scheduler.now();
    if (sink.buffered() > options.maxBufferedBytes) sink.drop();
  };
  const tick = () => {
    // the client has not taken the last message: wait, the changes add up into the next delta
    if (sink.buffered() > 0) {
      if (sink.buffered() > options.maxBufferedBytes) sink.drop();
      return;
    }
    const model = source.model();
    if (model === undefined) return;
    const { next, message } = diffLiveView(state, model, source.now(), source.options(), state === null ? [] : log.slice(-MAX_LOG_PER_MESSAGE));
    state = next;
    log = [];
    if (message !== null) {
      send(formatLiveMessage(message));
      onMessage?.(message);
    } else if (scheduler.now() - lastWrite >= options.heartbeatMs) {
      send(': heartbeat\n\n');
    }
  };
  tick();
  subscription.add(interval(options.intervalMs, scheduler).subscribe(tick));
  return subscription;
}

export interface LiveRouteDeps {
  getModels(): readonly ClusterModel[];
  events$: Observable<DomainEvent>;
  now(): number;
  options(cluster: string): LiveViewOptions;
  /** the name is checked first (a 400 with the reason); null = fine */
  checkName(name: string): string | null;
  scheduler: SchedulerLike;
  stream?: LiveStreamOptions;
}

export function liveStreamRoute(deps: LiveRouteDeps): RequestHandler {
  return (req, res) => {
    const name = String(req.params.name);
    const problem = deps.checkName(name);
    if (problem) {
      res.status(400).json({ error: `cluster name: ${problem}` });
      return;
    }
    const find = () => deps.getModels().find((m) => m.name === name);
    if (!find()) {
      res.status(404).json({ error: `no cluster named ${JSON.stringify(name)}` });
      return;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const sink: LiveSink = {
      write: (chunk) => {
        if (!res.writableEnded && !res.destroyed) res.write(chunk);
      },
      buffered: () => res.writableLength,
      drop: () => res.destroy(),
    };
    const log$ = deps.events$.pipe(filter((event) => loggedOnPage(event, name)));
    const feed = startLiveFeed({ model: find, now: deps.now, options: () => deps.options(name), log$ }, sink, deps.scheduler, deps.stream ?? DEFAULT_LIVE_STREAM);
    res.on('close', () => feed.unsubscribe());
  };
}
