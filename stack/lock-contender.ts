/**
 * One contender of a real lock recipe (Curator's or kazoo's own code, test/fixtures/curator/Locks.java and
 * test/fixtures/kazoo/locks.py) in its own process, as a handle: which node it created, when it holds, and
 * the ways a real holder ends — release on purpose, hang (SIGSTOP/SIGCONT), crash (SIGKILL).
 * Start one with `startLockContender` (stack/lock-contenders.ts picks the Curator or kazoo side by flavor).
 *
 * The processes print `STARTED`, `WAITING <node>` (the contender node exists; not for the semaphore, whose
 * waiters queue in its `locks` mutex), `HOLDING <node>` (semaphore: the lease under `<path>/leases`),
 * `RELEASED`, `BYE`, `ERROR <message>`.
 */
import type { RecipeProcess } from './recipe-process.ts';

export type LockFlavor = 'curator-mutex' | 'curator-read' | 'curator-write' | 'curator-write-read' | 'curator-semaphore' | 'kazoo-lock' | 'kazoo-read' | 'kazoo-write';

export const LOCK_FLAVORS: readonly LockFlavor[] = ['curator-mutex', 'curator-read', 'curator-write', 'curator-write-read', 'curator-semaphore', 'kazoo-lock', 'kazoo-read', 'kazoo-write'];

export interface LockContenderOptions {
  /** The contender's ZooKeeper session timeout (default 10 s); a SIGSTOP longer than this loses the lock. */
  sessionTimeoutMs?: number;
  /** curator-semaphore: the number of leases (default 1). */
  leases?: number;
  /** How long a JVM or Python start and a session may take (default 60 s). */
  readyMs?: number;
}

export class LockContender {
  constructor(
    readonly flavor: LockFlavor,
    readonly id: string,
    readonly process: RecipeProcess,
    /** The contender node the recipe created, from the WAITING line; null for the semaphore until it holds. */
    private waitingNode: string | null,
  ) {}

  get pid(): number {
    return this.process.pid;
  }

  /** The node this contender created (semaphore: its lease once it holds), or null while unknown. */
  get node(): string | null {
    return this.waitingNode ?? this.heldNode();
  }

  /** The node named by HOLDING once the recipe let this contender in, else undefined. */
  heldNode(): string | null {
    return this.process.seen('HOLDING')[0] ?? null;
  }

  /** Resolves to the held node when the recipe lets this contender in; `ms` from what the caller waits for. */
  holding(ms: number): Promise<string> {
    return this.process.until('HOLDING', ms);
  }

  /** Release on purpose (a stdin line/EOF): the holder deletes its node, a waiter leaves; the process exits. */
  release(ms = 30_000): Promise<void> {
    return this.process.leave(ms);
  }

  /** Hang: SIGSTOP. The session stays alive up to its timeout (ZooKeeper only sees the missing pings). */
  stop(): void {
    this.process.signal('SIGSTOP');
  }

  /** Resume after stop(). */
  cont(): void {
    this.process.signal('SIGCONT');
  }

  /** Crash: SIGKILL; the node stays until ZooKeeper expires the session. */
  kill(): Promise<void> {
    return this.process.kill();
  }
}

/** Waits for the line that says the contender's node exists (semaphore: the session is up) and wraps the process. */
export async function lockContenderOf(flavor: LockFlavor, id: string, process: RecipeProcess, readyMs: number): Promise<LockContender> {
  try {
    const node = flavor === 'curator-semaphore' ? (await process.until('STARTED', readyMs), null) : await process.until('WAITING', readyMs);
    return new LockContender(flavor, id, process, node);
  } catch (err) {
    await process.kill();
    throw err;
  }
}
