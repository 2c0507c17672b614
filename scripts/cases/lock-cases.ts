/**
 * Golden cases of locks and configuration keys in the zkpulse layout (docs/contract.md §9): contenders are
 * `R/locks/<lock>/lock-<seq>` (EPHEMERAL_SEQUENTIAL, data `{"owner"}`), one session per process, as the
 * agent's lock recipe writes them; configuration keys are `R/config/<key>`, set by a plain client.
 */
import type { PlainZk } from '../../stack/plain-zk.ts';
import { sleep, type CaseContext, type RecordedCase } from './kit.ts';

let contenders: Record<string, PlainZk> = {};

/** A contender process: its own session and its `lock-<seq>` node under R/locks/<lock>. */
async function contend(ctx: CaseContext, lock: string, owner: string): Promise<PlainZk> {
  const zk = await ctx.session();
  await zk.create(`${ctx.root}/locks/${lock}/lock-`, JSON.stringify({ owner }), 'sequential');
  return zk;
}

export const LOCK_CASES: Record<string, RecordedCase> = {
  'lock-held-too-long': {
    promise: 'LockHeldTooLong fires for locks/nightly held by job-a past after (1.5 s), names job-a and its session, resolves when job-a releases and job-b takes it',
    config: { alerts: { defaults: { LockHeldTooLong: { after: '1500ms' } } } },
    async setup(ctx, admin) {
      await admin.mkdirp(`${ctx.root}/locks/nightly`);
      contenders = { a: await contend(ctx, 'nightly', 'job-a'), b: await contend(ctx, 'nightly', 'job-b') };
    },
    async run() {
      await sleep(3000);
      await contenders.a!.close();
      await sleep(1000);
      await contenders.b!.close();
      await sleep(500);
    },
  },

  'lock-contention': {
    promise: 'LockContention fires once 6 contenders wait behind the holder of locks/deploy for 1 s, resolves when fewer than 5 wait',
    config: { alerts: { defaults: { LockContention: { waiters: 5, for: '1s' } } } },
    async setup(ctx, admin) {
      await admin.mkdirp(`${ctx.root}/locks/deploy`);
      contenders = { holder: await contend(ctx, 'deploy', 'holder') };
    },
    async run(ctx) {
      await sleep(500);
      for (let i = 1; i <= 6; i++) contenders[`w${i}`] = await contend(ctx, 'deploy', `waiter-${i}`);
      await sleep(2500);
      // the holder and two waiters go: 3 wait behind the new holder
      for (const k of ['holder', 'w1', 'w2']) await contenders[k]!.close();
      await sleep(1500);
    },
  },

  'config-changed': {
    promise: 'ConfigChanged notices config/db-url twice (versions 1 and 2, size and digest) and never its data; the key found at sync is not a change',
    config: { alerts: { defaults: { ConfigChanged: { keep: '1s' } } } },
    async setup(ctx, admin) {
      await admin.mkdirp(`${ctx.root}/config`);
      await admin.create(`${ctx.root}/config/db-url`, 'postgres://app:s3cret-v0@db:5432/app');
    },
    async run(ctx, admin) {
      await sleep(500);
      await admin.set(`${ctx.root}/config/db-url`, 'postgres://app:s3cret-v1@db:5432/app');
      await sleep(2000);
      await admin.set(`${ctx.root}/config/db-url`, 'postgres://app:s3cret-v2@db2:5432/app');
      await sleep(2000);
    },
  },
};
