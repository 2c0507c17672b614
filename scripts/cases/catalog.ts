/**
 * The golden cases of test/testcases/: each scenario is played against a real ZooKeeper by
 * `npm run record-case -- <name>`. Rule settings are short (seconds) so recordings stay short;
 * every rule not named in a case is disabled, so each expected file shows only what its name promises.
 */
import { LAYOUT_CASES } from './layout-cases.ts';
import { LOCK_CASES } from './lock-cases.ts';
import { PlayedWorker, layout, masterData, sleep, statusData, type RecordedCase } from './kit.ts';

const worker = (ctx: Parameters<RecordedCase['run']>[0], id: string, heartbeatMs = 500, data?: string) => PlayedWorker.join(ctx, id, heartbeatMs, data);

/** A partition long enough to expire the collector's 4 s session, with probes that notice it within 1 s. */
const EXPIRING = { sessionTimeout: 4000, probeIntervalMs: 500, probeTimeoutMs: 1000 };

let w: Record<string, PlayedWorker> = {};

export const CASES: Record<string, RecordedCase> = {
  'master-missing': {
    promise: 'MasterMissing fires ~1 s after the master session ends, resolves when a new master appears',
    config: { alerts: { defaults: { MasterMissing: { for: '1s' } } } },
    async setup(ctx) {
      const m1 = await ctx.session();
      await m1.create(`${ctx.root}/master`, masterData('m1'), 'ephemeral');
      w = { m1: { zk: m1 } as unknown as PlayedWorker };
    },
    async run(ctx) {
      await sleep(1000);
      await w.m1!.zk.close();
      await sleep(2500);
      const m2 = await ctx.session();
      await m2.create(`${ctx.root}/master`, masterData('m2'), 'ephemeral');
      await sleep(1500);
    },
  },

  'master-flapping': {
    promise: 'MasterFlapping fires after 3 master changes within 4 s, resolves once the window has passed without changes',
    config: { alerts: { defaults: { MasterFlapping: { changes: 3, window: '4s' } } } },
    async run(ctx) {
      for (const id of ['m1', 'm2', 'm3', 'm4']) {
        const m = await ctx.session();
        await m.create(`${ctx.root}/master`, masterData(id), 'ephemeral');
        if (id === 'm4') break;
        await sleep(400);
        await m.close();
      }
      await sleep(5500);
    },
  },

  'worker-lost': {
    promise: 'WorkerLost for w1 fires when its session ends without leaving, resolves after resolveAfter (3 s)',
    config: { alerts: { defaults: { WorkerLost: { resolveAfter: '3s' } } } },
    async setup(ctx) {
      w = { w1: await worker(ctx, 'w1') };
    },
    async run() {
      await sleep(1000);
      await w.w1!.crash();
      await sleep(4000);
    },
  },

  'workers-below-minimum': {
    promise: 'WorkersBelowMinimum (min 2) fires when w2 leaves on purpose, resolves when w3 joins; no WorkerLost for a planned leave',
    config: { alerts: { defaults: { WorkersBelowMinimum: { min: 2 }, WorkerLost: {} } } },
    async setup(ctx) {
      w = { w1: await worker(ctx, 'w1'), w2: await worker(ctx, 'w2') };
    },
    async run(ctx) {
      await sleep(1000);
      await w.w2!.leave();
      await sleep(1500);
      w.w3 = await worker(ctx, 'w3');
      await sleep(1500);
    },
  },

  'heartbeat-stale': {
    promise: 'HeartbeatStale for w1 (beats every 300 ms, factor 3) fires when it stops beating with its session alive, resolves when beats resume',
    config: { alerts: { defaults: { HeartbeatStale: { factor: 3 } } } },
    async setup(ctx) {
      w = { w1: await worker(ctx, 'w1', 300) };
    },
    async run() {
      await sleep(1000);
      w.w1!.stopBeating();
      await sleep(2500);
      w.w1!.beat();
      await sleep(1500);
      // end in a stable state: a replay's tail runs on without events, and silent beats would read as stale
      await w.w1!.leave();
    },
  },

  'progress-stalled': {
    promise: 'ProgressStalled for t1 fires when done stops moving for 1.5 s while w1 is up, resolves when progress moves again',
    config: { alerts: { defaults: { ProgressStalled: { after: '1500ms' } } } },
    async setup(ctx, admin) {
      w = { w1: await worker(ctx, 'w1') };
      await admin.create(`${ctx.root}/tasks/t1`, JSON.stringify({ url: 'https://example.org/1' }));
      await admin.mkdirp(`${ctx.root}/assign/w1`);
      await admin.create(`${ctx.root}/assign/w1/t1`, null);
      await w.w1!.zk.create(`${ctx.root}/status/t1`, statusData('w1', 1, 20), 'ephemeral');
    },
    async run(ctx) {
      let done = 1;
      const progress = async (times: number) => {
        for (let i = 0; i < times; i++) {
          await sleep(300);
          await w.w1!.zk.set(`${ctx.root}/status/t1`, statusData('w1', ++done, 20));
        }
      };
      await progress(3);
      await sleep(2500);
      await progress(4);
      await sleep(1000);
      // end in a stable state: the task is done (a replay's tail runs on without events)
      await w.w1!.zk.set(`${ctx.root}/status/t1`, statusData('w1', 20, 20, 'done'));
    },
  },

  'task-orphaned': {
    promise: 'TaskOrphaned for t1 fires when its worker w1 crashed and nobody took the task for 1 s, resolves when t1 is assigned to w2',
    config: { alerts: { defaults: { TaskOrphaned: { for: '1s' } } } },
    async setup(ctx, admin) {
      w = { w1: await worker(ctx, 'w1'), w2: await worker(ctx, 'w2') };
      await admin.create(`${ctx.root}/tasks/t1`, JSON.stringify({ url: 'https://example.org/1' }));
      await admin.mkdirp(`${ctx.root}/assign/w1`);
      await admin.create(`${ctx.root}/assign/w1/t1`, null);
      await w.w1!.zk.create(`${ctx.root}/status/t1`, statusData('w1', 3, 10), 'ephemeral');
    },
    async run(ctx, admin) {
      await sleep(1000);
      await w.w1!.crash();
      await sleep(2500);
      await admin.mkdirp(`${ctx.root}/assign/w2`);
      await admin.create(`${ctx.root}/assign/w2/t1`, null);
      await sleep(1500);
    },
  },

  'task-reassigned-in-time': {
    promise: 'w1 crashes (WorkerLost fires and resolves) but t1 is reassigned to w2 within TaskOrphaned\'s 3 s: no TaskOrphaned',
    config: { alerts: { defaults: { TaskOrphaned: { for: '3s' }, WorkerLost: { resolveAfter: '2s' } } } },
    async setup(ctx, admin) {
      w = { w1: await worker(ctx, 'w1'), w2: await worker(ctx, 'w2') };
      await admin.create(`${ctx.root}/tasks/t1`, JSON.stringify({ url: 'https://example.org/1' }));
      await admin.mkdirp(`${ctx.root}/assign/w1`);
      await admin.create(`${ctx.root}/assign/w1/t1`, null);
    },
    async run(ctx, admin) {
      await sleep(1000);
      await w.w1!.crash();
      await sleep(500);
      await admin.mkdirp(`${ctx.root}/assign/w2`);
      await admin.create(`${ctx.root}/assign/w2/t1`, null);
      await sleep(4000);
    },
  },

  'split-brain': {
    promise: 'SplitBrain fires when R/master is held by a session that is not the lowest election candidate, resolves when the leader takes over',
    config: { alerts: { defaults: { SplitBrain: { for: '1s' } } } },
    async setup(ctx) {
      const a = await ctx.session();
      const b = await ctx.session();
      await a.create(`${ctx.root}/election/n_`, JSON.stringify({ id: 'a' }), 'sequential');
      await b.create(`${ctx.root}/election/n_`, JSON.stringify({ id: 'b' }), 'sequential');
      w = { a: { zk: a } as unknown as PlayedWorker, b: { zk: b } as unknown as PlayedWorker };
    },
    async run(ctx) {
      await sleep(500);
      await w.b!.zk.create(`${ctx.root}/master`, masterData('b'), 'ephemeral');
      await sleep(2500);
      await w.b!.zk.remove(`${ctx.root}/master`);
      await w.a!.zk.create(`${ctx.root}/master`, masterData('a'), 'ephemeral');
      await sleep(1500);
    },
  },

  'collector-disconnected': {
    promise: 'CollectorDisconnected fires while the collector is partitioned from ZooKeeper (its session expires), resolves after reconnect and resync',
    config: { ...EXPIRING, alerts: { defaults: { CollectorDisconnected: { for: '1s' } } } },
    async setup(ctx) {
      w = { w1: await worker(ctx, 'w1') };
    },
    async run(ctx) {
      await sleep(1000);
      ctx.proxy.block();
      await sleep(7000);
      ctx.proxy.unblock();
      await sleep(4000);
    },
    settleMs: 1500,
  },

  'short-disconnect': {
    promise: 'a 2.5 s partition, shorter than the 8 s session timeout and CollectorDisconnected\'s 10 s: no notification at all',
    config: { sessionTimeout: 8000, probeIntervalMs: 500, probeTimeoutMs: 1000, alerts: { defaults: { CollectorDisconnected: { for: '10s' }, WorkerLost: {} } } },
    async setup(ctx) {
      w = { w1: await worker(ctx, 'w1') };
    },
    async run(ctx) {
      await sleep(1000);
      ctx.proxy.block();
      await sleep(2500);
      ctx.proxy.unblock();
      await sleep(3000);
    },
  },

  'expiry-resync': {
    promise: 'the collector\'s session expires; meanwhile the master changes hands and w2 joins; after resync only CollectorDisconnected (firing, resolved): no MasterMissing, no WorkerLost',
    config: { ...EXPIRING, alerts: { defaults: { CollectorDisconnected: { for: '1s' }, MasterMissing: { for: '1s' }, WorkerLost: {} } } },
    async setup(ctx) {
      const m1 = await ctx.session();
      await m1.create(`${ctx.root}/master`, masterData('m1'), 'ephemeral');
      w = { m1: { zk: m1 } as unknown as PlayedWorker, w1: await worker(ctx, 'w1') };
    },
    async run(ctx) {
      await sleep(1000);
      ctx.proxy.block();
      await sleep(1500);
      await w.m1!.zk.close();
      const m2 = await ctx.session();
      await m2.create(`${ctx.root}/master`, masterData('m2'), 'ephemeral');
      w.w2 = await worker(ctx, 'w2');
      await sleep(5500);
      ctx.proxy.unblock();
      await sleep(4000);
    },
    settleMs: 1500,
  },

  'blind-crash': {
    promise: 'w1 crashes while the collector is blind (partitioned, session expired); the resync finds it gone: WorkerLost once (firing, then resolved after 3 s)',
    config: { ...EXPIRING, alerts: { defaults: { CollectorDisconnected: { for: '1s' }, WorkerLost: { resolveAfter: '3s' } } } },
    async setup(ctx) {
      w = { w1: await worker(ctx, 'w1'), w2: await worker(ctx, 'w2') };
    },
    async run(ctx) {
      await sleep(1000);
      ctx.proxy.block();
      await sleep(1500);
      await w.w1!.crash();
      await sleep(5500);
      ctx.proxy.unblock();
      await sleep(5000);
    },
    settleMs: 1500,
  },

  'blip-while-firing': {
    promise:
      'HeartbeatStale (w2 stopped beating) and ProgressStalled (t1 stuck at 5/10) are firing when ZooKeeper stops for 1.5 s (SIGSTOP; every session survives): nothing is sent about it; they resolve only when w2 beats again and t1 moves',
    config: {
      sessionTimeout: 8000,
      probeIntervalMs: 250,
      probeTimeoutMs: 700,
      alerts: { defaults: { HeartbeatStale: { factor: 3 }, ProgressStalled: { after: '1500ms' }, CollectorDisconnected: { for: '10s' }, WorkerLost: {} } },
    },
    async setup(ctx, admin) {
      w = { w1: await worker(ctx, 'w1', 1000), w2: await worker(ctx, 'w2', 500) };
      await admin.create(`${ctx.root}/tasks/t1`, JSON.stringify({ url: 'https://example.org/1' }));
      await admin.mkdirp(`${ctx.root}/assign/w1`);
      await admin.create(`${ctx.root}/assign/w1/t1`, null);
      await w.w1!.zk.create(`${ctx.root}/status/t1`, statusData('w1', 5, 10), 'ephemeral');
    },
    async run(ctx) {
      await sleep(500);
      w.w2!.stopBeating();
      await sleep(3000);
      // both firing now; ZooKeeper stops (every thread), far below every session timeout
      await ctx.zk.pause();
      await sleep(1500);
      ctx.zk.resume();
      await sleep(4000);
      // what really changes resolves them
      w.w2!.beat();
      await w.w1!.zk.set(`${ctx.root}/status/t1`, statusData('w1', 6, 10));
      await sleep(700);
      // end in a stable state: t1 done, both workers leave on purpose (a replay's tail runs on without events)
      await w.w1!.zk.set(`${ctx.root}/status/t1`, statusData('w1', 10, 10, 'done'));
      await sleep(500);
      await w.w1!.leave();
      await w.w2!.leave();
    },
  },

  'alerting-after-sync': {
    promise:
      'alerting starts after the first sync (its state took a while to load) and after w1 crashed: WorkerLost for w1 fires when it starts (resolves 3 s after the crash); m1, the master the sync found, then m2, m3, m4: three changes, MasterFlapping fires',
    config: { alerts: { defaults: { MasterFlapping: { changes: 3, window: '6s' }, WorkerLost: { resolveAfter: '3s' } } } },
    alertingAfterSync: true,
    async setup(ctx) {
      const m1 = await ctx.session();
      await m1.create(`${ctx.root}/master`, masterData('m1'), 'ephemeral');
      w = { m1: { zk: m1 } as unknown as PlayedWorker, w1: await worker(ctx, 'w1'), w2: await worker(ctx, 'w2') };
    },
    async run(ctx) {
      await sleep(500);
      await w.w1!.crash();
      await sleep(1000);
      await ctx.startAlerting();
      await sleep(500);
      let previous = w.m1!.zk;
      for (const id of ['m2', 'm3', 'm4']) {
        await previous.close();
        const m = await ctx.session();
        await m.create(`${ctx.root}/master`, masterData(id), 'ephemeral');
        previous = m;
        await sleep(400);
      }
      await sleep(7000);
    },
  },

  'malformed-data': {
    promise: 'nodes with bad data (w1 not JSON, t1 status of the wrong shape) are tracked and do not stop the rules: WorkerLost for w1 fires and resolves',
    config: { alerts: { defaults: { WorkerLost: { resolveAfter: '2s' } } } },
    async setup(ctx, admin) {
      w = { w1: await worker(ctx, 'w1', 500, '{"id": "w1", not json'), w2: await worker(ctx, 'w2') };
      await admin.create(`${ctx.root}/tasks/t1`, '\u0000\u0001 binary');
      await w.w2!.zk.create(`${ctx.root}/status/t1`, JSON.stringify({ worker: 'w2', done: 'lots', total: null }), 'ephemeral');
    },
    async run() {
      w.w1!.stopBeating();
      await sleep(1000);
      await w.w1!.crash();
      await sleep(3000);
    },
  },

  // the built-in foreign layouts of docs/contract.md §8
  ...LAYOUT_CASES,
  ...LOCK_CASES,
};

export { layout };
