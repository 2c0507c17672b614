/**
 * The alert engine's driver: domain events feed the rules' memory, watch events the connection
 * state, and every `evalInterval` (on the injected scheduler) the state machine judges the current
 * models. Time comes only from `scheduler.now()`; models come from `getModels()` (the collector's
 * own, not rebuilt here).
 */
import { asyncScheduler, defer, filter, interval, map, merge, Observable, scan, share, type SchedulerLike } from 'rxjs';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { ClusterModel } from '../../collector/model/types.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import type { AlertsConfig } from '../config/defaults.ts';
import type { AlertInstance } from '../types.ts';
import type { LayoutCapabilities } from '../../contract/layout.ts';
import type { EnsembleSnapshot } from '../../collector/ensemble/types.ts';
import { sessionAddresses } from '../../collector/ensemble/session-addresses.ts';
import { evaluate, observe, type Connection, type EvaluationInput, type Evaluation, type Transition } from './state-machine.ts';
import { emptyEngineState, unwatched, type EngineState } from './state.ts';

/** the ensemble of `zk` (docs/contract.md §10) */
const DEFAULT_ENSEMBLE = 'default';

export interface AlertEngineOptions {
  domainEvents$: Observable<DomainEvent>;
  watchEvents$: Observable<WatchEvent>;
  getModels: () => readonly ClusterModel[];
  config: AlertsConfig;
  /** default asyncScheduler; a TestScheduler in tests, a virtual one in replay */
  scheduler?: SchedulerLike;
  /** a restored state (restoreEngineState) */
  initialState?: EngineState;
  /**
   * whether the session is connected when the engine starts (default false: it waits for a connection event);
   * a function answers per ensemble (`default`, or a name of clusterEnsembles)
   */
  initiallyConnected?: boolean | ((ensemble: string) => boolean);
  /**
   * cluster → ensemble (`clusters.<name>.ensemble`) for the clusters not on `default`: a connection event of an
   * ensemble (its `ensemble`, absent = default) judges CollectorDisconnected and blindness of its clusters only
   */
  clusterEnsembles?: ReadonlyMap<string, string>;
  /** each cluster's layout capabilities (default: every cluster zkpulse, every rule runs) */
  capabilities?: ReadonlyMap<string, LayoutCapabilities>;
  /** the ZooKeeper ensembles' latest polls, read at each evaluation (absent: no ensemble rule runs) */
  ensembles?: EnsembleFeed;
}

/**
 * The hook of the ensemble rules: the server's `latestEnsembles()` (ensemble poller), which cluster is on
 * which ensemble, and how old a poll may be before its ensemble's alerts freeze (3 × ensemblePollMs is right).
 */
export interface EnsembleFeed {
  latest: () => readonly EnsembleSnapshot[];
  /** cluster → ensemble name (`clusters.<name>.ensemble`); a cluster not in it is on `default` */
  clusterEnsembles?: ReadonlyMap<string, string>;
  /** default ENSEMBLE_STALE_AFTER_MS (30 s) */
  staleAfterMs?: number;
}

export interface AlertEngine {
  /** the full current set (pending, firing, resolved within retention) after each evaluation */
  alerts$: Observable<AlertInstance[]>;
  /** each state change of an instance, in order */
  transitions$: Observable<Transition>;
  /** each evaluation whole, with the state to persist */
  evaluations$: Observable<Evaluation>;
}

type Input = { kind: 'domain'; event: DomainEvent } | { kind: 'watch'; event: WatchEvent } | { kind: 'tick' };

interface Acc {
  state: EngineState;
  connected: boolean;
  disconnectedSince: number | null;
  /** the named ensembles' sessions (the default one is `connected`/`disconnectedSince`) */
  ensembleConnections: ReadonlyMap<string, Connection>;
  /** set after a tick, null after an event */
  evaluation: Evaluation | null;
}

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { config } = options;
  const clusterEnsembles = options.clusterEnsembles ?? options.ensembles?.clusterEnsembles;

  const evaluations$ = defer(() => {
    const initially = options.initiallyConnected ?? false;
    const connectedAtStart = (ensemble: string): boolean => (typeof initially === 'function' ? initially(ensemble) : initially);
    const connected = connectedAtStart(DEFAULT_ENSEMBLE);
    const ensembleConnections = new Map<string, Connection>();
    for (const name of new Set(clusterEnsembles?.values() ?? [])) {
      const up = connectedAtStart(name);
      ensembleConnections.set(name, { connected: up, disconnectedSince: up ? null : scheduler.now() });
    }
    const seed: Acc = {
      state: options.initialState === undefined ? emptyEngineState() : unwatched(options.initialState),
      connected,
      disconnectedSince: connected ? null : scheduler.now(),
      ensembleConnections,
      evaluation: null,
    };
    const inputs$ = merge(
      options.domainEvents$.pipe(map((event): Input => ({ kind: 'domain', event }))),
      // only connection events change the accumulator: the node events (most of the stream) stop here
      options.watchEvents$.pipe(
        filter((event) => event.kind === 'connection'),
        map((event): Input => ({ kind: 'watch', event })),
      ),
      interval(config.evalInterval, scheduler).pipe(map((): Input => ({ kind: 'tick' }))),
    );
    return inputs$.pipe(
      scan((acc: Acc, input: Input): Acc => step(acc, input, scheduler.now(), options.getModels, config, options.capabilities, options.ensembles, clusterEnsembles), seed),
      map((acc) => acc.evaluation),
      filter((e): e is Evaluation => e !== null),
    );
  }).pipe(share());

  return {
    evaluations$,
    alerts$: evaluations$.pipe(map((e) => e.alerts)),
    transitions$: new Observable<Transition>((subscriber) =>
      evaluations$.subscribe({
        next: (e) => e.transitions.forEach((t) => subscriber.next(t)),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    ),
  };
}

function step(
  acc: Acc,
  input: Input,
  now: number,
  getModels: () => readonly ClusterModel[],
  config: AlertsConfig,
  capabilities: ReadonlyMap<string, LayoutCapabilities> | undefined,
  ensembles: EnsembleFeed | undefined,
  clusterEnsembles: ReadonlyMap<string, string> | undefined,
): Acc {
  switch (input.kind) {
    case 'domain': {
      // every event passes here: no new accumulator when nothing changes
      const state = observe(acc.state, input.event, now, config);
      if (state === acc.state && acc.evaluation === null) return acc;
      return { state, connected: acc.connected, disconnectedSince: acc.disconnectedSince, ensembleConnections: acc.ensembleConnections, evaluation: null };
    }
    case 'watch': {
      const e = input.event;
      if (e.kind !== 'connection') return acc.evaluation === null ? acc : { ...acc, evaluation: null };
      const up = e.state === 'connected' || e.state === 'reconnected';
      if (e.ensemble !== undefined && e.ensemble !== DEFAULT_ENSEMBLE) {
        const known = acc.ensembleConnections.get(e.ensemble);
        const next: Connection = up ? { connected: true, disconnectedSince: null } : { connected: false, disconnectedSince: known?.disconnectedSince ?? now };
        return { ...acc, ensembleConnections: new Map(acc.ensembleConnections).set(e.ensemble, next), evaluation: null };
      }
      if (up) return { ...acc, connected: true, disconnectedSince: null, evaluation: null };
      return { ...acc, connected: false, disconnectedSince: acc.disconnectedSince ?? now, evaluation: null };
    }
    case 'tick': {
      const evaluation = evaluate(
        acc.state,
        {
          models: getModels(),
          connected: acc.connected,
          disconnectedSince: acc.disconnectedSince,
          now,
          capabilities,
          ...(acc.ensembleConnections.size === 0 ? {} : { ensembleConnections: acc.ensembleConnections }),
          ...(clusterEnsembles === undefined ? {} : { clusterEnsembles }),
          ...(ensembles === undefined ? {} : ensembleInput(ensembles, clusterEnsembles)),
        },
        config,
      );
      return { ...acc, state: evaluation.state, evaluation };
    }
  }
}

/** What an evaluation reads of the ensembles: their latest polls, and the client address behind each session. */
function ensembleInput(feed: EnsembleFeed, clusterEnsembles: ReadonlyMap<string, string> | undefined): Pick<EvaluationInput, 'ensembles' | 'clusterEnsembles' | 'ensembleStaleAfter' | 'addressOf'> {
  const latest = feed.latest();
  return { ensembles: latest, clusterEnsembles, ensembleStaleAfter: feed.staleAfterMs, addressOf: sessionAddresses(latest, clusterEnsembles) };
}
