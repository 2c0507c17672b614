import test from 'ava';
import { map, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { createAlertEngine } from '../../alerts/engine/engine.ts';
import { evaluate } from '../../alerts/engine/state-machine.ts';
import { emptyEngineState, restoreEngineState, serializeEngineState } from '../../alerts/engine/state.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { WatchEvent } from '../../collector/watch/events.ts';
import { healthyCluster, TestCluster } from '../support/alerts-fixtures.ts';

/** A cluster whose watch events arrive on a hot marble stream; its domain events go to the engine. */
function wire(scheduler: TestScheduler, cluster: TestCluster, watchMarbles: string, values: Record<string, (now: number) => WatchEvent[] | void>) {
  const domain$ = new Subject<DomainEvent>();
  const raw$ = scheduler.createHotObservable<string>(watchMarbles);
  const watch$ = new Subject<WatchEvent>();
  raw$.subscribe((key) => {
    const now = scheduler.now();
    const before = cluster.events.length;
    const produced = values[key]?.(now) ?? [];
    for (const e of produced) watch$.next(e);
    for (const e of cluster.events.slice(before)) domain$.next(e);
  });
  return { domain$, watch$ };
}

const summary = (alerts: { labels: Record<string, string>; state: string }[]) =>
  alerts.map((a) => `${a.labels.alertname}:${a.state}`).join(',');

test('engine: evaluates on each tick in virtual time; MasterMissing pending then firing after its 10 s', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  scheduler.run(({ expectObservable }) => {
    const cluster = healthyCluster(0, 0);
    // the master's node goes away at 2.5 s
    const { domain$, watch$ } = wire(scheduler, cluster, '2500ms g', {
      g: (now) => {
        cluster.masterGone(now);
      },
    });
    const engine = createAlertEngine({
      domainEvents$: domain$,
      watchEvents$: watch$,
      getModels: () => [cluster.model],
      config: parseAlertsConfig({ evalInterval: '1s' }),
      scheduler,
      initiallyConnected: true,
    });
    const s = summary([]);
    const p = 'MasterMissing:pending';
    const f = 'MasterMissing:firing';
    // ticks at 1 s, 2 s, ... ; pending from the 3 s tick; firing at 13 s (activeAt 3 s + 10 s)
    expectObservable(engine.alerts$.pipe(map(summary)), '^ 14500ms !').toBe(
      '1s a 999ms b 999ms c 999ms d 999ms e 999ms f 999ms g 999ms h 999ms i 999ms j 999ms k 999ms l 999ms m 999ms n',
      { a: s, b: s, c: p, d: p, e: p, f: p, g: p, h: p, i: p, j: p, k: p, l: p, m: f, n: f },
    );
  });
});

test('engine: a disconnect (watch connection event) fires CollectorDisconnected 10 s after it, and transitions$ reports each change once', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  scheduler.run(({ expectObservable }) => {
    const cluster = healthyCluster(0, 0);
    const { domain$, watch$ } = wire(scheduler, cluster, '1500ms d 14999ms r', {
      d: (now) => {
        cluster.connection('disconnected', now);
        return [{ kind: 'connection', state: 'disconnected', time: now }];
      },
      r: (now) => {
        cluster.connection('reconnected', now);
        cluster.synced(now);
        return [{ kind: 'connection', state: 'reconnected', time: now }];
      },
    });
    const engine = createAlertEngine({
      domainEvents$: domain$,
      watchEvents$: watch$,
      getModels: () => [cluster.model],
      config: parseAlertsConfig({ evalInterval: 1000 }),
      scheduler,
      initiallyConnected: true,
    });
    const transitions$ = engine.transitions$.pipe(map((x) => `${x.labels.alertname}:${x.from}>${x.to}@${x.at}`));
    // disconnected at 1.5 s: pending at the 2 s tick, firing at the 12 s tick (1.5 + 10 → first tick after 11.5 s),
    // reconnected and resynced at 16.5 s: resolved at the 17 s tick
    expectObservable(transitions$, '^ 18s !').toBe('2s a 9999ms b 4999ms c', {
      a: 'CollectorDisconnected:inactive>pending@2000',
      b: 'CollectorDisconnected:pending>firing@12000',
      c: 'CollectorDisconnected:firing>resolved@17000',
    });
  });
});

test('engine: not connected at start (the default) counts as disconnected from the subscription time', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  scheduler.run(({ expectObservable }) => {
    const cluster = new TestCluster();
    const engine = createAlertEngine({
      domainEvents$: new Subject<DomainEvent>(),
      watchEvents$: new Subject<WatchEvent>(),
      getModels: () => [cluster.model],
      config: parseAlertsConfig({ evalInterval: '5s' }),
      scheduler,
    });
    expectObservable(engine.alerts$.pipe(map(summary)), '^ 16s !').toBe('5s a 4999ms b 4999ms c', {
      a: 'CollectorDisconnected:pending',
      b: 'CollectorDisconnected:firing',
      c: 'CollectorDisconnected:firing',
    });
  });
});

test('engine: started after the first sync from a restored state, it still sees what the sync found (a crash, the current master)', (t) => {
  // the previous collector's state: it had seen the cluster (memory not blind), nothing firing
  const cluster = healthyCluster(0, 2);
  const config = parseAlertsConfig({ evalInterval: '1s', defaults: { MasterFlapping: { changes: 2, window: '1m' }, HeartbeatStale: { enabled: false }, SplitBrain: { enabled: false } } });
  const before = evaluate(emptyEngineState(), { models: [cluster.model], connected: true, disconnectedSince: null, now: 500 }, config).state;
  t.false(before.memory.get('crawler')?.blind);
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  scheduler.run(({ expectObservable }) => {
    // the new collector synced (w1 had crashed) before its engine started: that event is never on the streams
    cluster.crash('w1', 0);
    const { domain$, watch$ } = wire(scheduler, cluster, '2500ms a 1999ms b', {
      a: (now) => {
        cluster.masterGone(now);
        cluster.master('m2', now, 5);
      },
      b: (now) => {
        cluster.masterGone(now);
        cluster.master('m3', now, 6);
      },
    });
    const engine = createAlertEngine({
      domainEvents$: domain$,
      watchEvents$: watch$,
      getModels: () => [cluster.model],
      config,
      scheduler,
      initialState: restoreEngineState(serializeEngineState(before)),
      initiallyConnected: true,
    });
    const transitions$ = engine.transitions$.pipe(map((x) => `${x.labels.alertname}:${x.from}>${x.to}@${x.at}`));
    // WorkerLost at the first tick; two master changes since the one the sync found: MasterFlapping at the 5 s tick
    expectObservable(transitions$, '^ 6s !').toBe('1s (ab) 3996ms (cd)', {
      a: 'WorkerLost:inactive>pending@1000',
      b: 'WorkerLost:pending>firing@1000',
      c: 'MasterFlapping:inactive>pending@5000',
      d: 'MasterFlapping:pending>firing@5000',
    });
  });
});
