/**
 * Running for leader: the ZooKeeper leader-election recipe. Candidates are children of one parent
 * node (the agent's R/election, a collector group's path); the one that leads holds the leader node
 * (the agent's R/master, a group's `<path>/active`). Where they are and what they hold is the caller's
 * (ElectionDeps), so the recipe knows no layout.
 *
 * - Each candidate has one EPHEMERAL_SEQUENTIAL `n_` node and watches only its predecessor (no herd).
 * - The lowest candidate creates the leader node (EPHEMERAL). A leader node held by any other session —
 *   our own previous session included — is waited out with a watch, never deleted: a live holder may
 *   still be working, and its session's end removes it anyway.
 * - Leadership is announced only after the leader node is ours, and withdrawn ('follower', 'suspended',
 *   'lost') BEFORE our leader node is deleted, so two candidates never both say 'leader'.
 * - A create whose answer was lost (connection loss) may still have made a node: before creating
 *   again we adopt the node our session already owns (Curator's double-leader reports
 *   CURATOR-444/620/653/696 all come from a second, forgotten candidate node of one client).
 * - On disconnect: 'suspended' at once; on session expiry: 'lost' at once, and a new candidate node
 *   on the new session.
 */
import { BehaviorSubject, distinctUntilChanged, filter, type Observable } from 'rxjs';
import type { NodeAcls } from './acl.ts';
import { isConnectionProblem, Superseded, type ZkConnection } from './connection.ts';
import { orderCandidates, positionOf } from './election-order.ts';
import { CreateMode, czxidOf, ownedBy, ownerOf, parentOf, type ZkOps } from './ops.ts';
import { NODE_EXISTS, NO_NODE, zkErrorCode } from './errors.ts';

export type LeadershipState = 'leader' | 'follower' | 'suspended' | 'lost';

export interface Leadership {
  state: LeadershipState;
  /** the fencing token while leader: the leader node's czxid as a decimal string */
  epoch?: string;
}

export interface ElectionDeps {
  ops: ZkOps;
  conn: ZkConnection;
  /** the candidates' parent: each candidate is an EPHEMERAL_SEQUENTIAL `<candidates>/n_<seq>` (created with its ancestors) */
  candidates: string;
  /** the node (EPHEMERAL) the lowest candidate creates to lead; its parent is created when missing */
  leader: string;
  /** the data of our candidate node */
  candidateData: () => Buffer;
  /** the data of the leader node, when we create it */
  leaderData: () => Buffer;
  acls: NodeAcls;
  report: (err: Error) => void;
  /** run `fn` after `ms` (the retry after an unexpected error) */
  later: (ms: number, fn: () => void) => void;
}

const same = (a: Leadership | null, b: Leadership | null) => a?.state === b?.state && a?.epoch === b?.epoch;

export class Election {
  private readonly subject = new BehaviorSubject<Leadership | null>(null);
  readonly leadership$: Observable<Leadership> = this.subject.pipe(
    filter((l): l is Leadership => l !== null),
    distinctUntilChanged<Leadership>(same),
  );
  /** how often our predecessor's watch woke us: one candidate per departure, never a herd */
  predecessorWakeups = 0;

  private myNode: string | null = null;
  private mySession: string | null = null;
  /** the session that sent a create whose answer never came: a node of ours may exist unknown to us */
  private uncertainCreate: string | null = null;
  /** we created or adopted the leader node on this session and have not deleted it yet */
  private mayHoldMaster = false;
  private started = false;
  private stopped = false;

  constructor(private readonly d: ElectionDeps) {}

  get current(): Leadership | null {
    return this.subject.value;
  }

  get node(): string | null {
    return this.myNode;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.kick();
  }

  onConnection(state: string): void {
    if (!this.started || this.stopped) return;
    const now = this.subject.value?.state;
    if (state === 'disconnected') {
      if (now === 'leader' || now === 'follower') this.set({ state: 'suspended' });
    } else if (state === 'expired') {
      this.myNode = null;
      this.mySession = null;
      this.uncertainCreate = null;
      this.mayHoldMaster = false;
      this.set({ state: 'lost' });
    } else if (state === 'connected' || state === 'reconnected') {
      this.kick();
    }
  }

  /** Leave the election on purpose: stop saying leader first, then delete our candidate node and master. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.started) return this.subject.complete();
    if (this.subject.value?.state === 'leader' || this.subject.value?.state === 'follower' || this.subject.value?.state === 'suspended') {
      this.set({ state: 'lost' });
    }
    try {
      if (this.d.conn.connected && this.myNode) await this.d.ops.removeOwn(`${this.d.candidates}/${this.myNode}`);
      if (this.d.conn.connected && this.mayHoldMaster) await this.d.ops.removeOwn(this.d.leader);
      this.mayHoldMaster = false;
    } finally {
      this.myNode = null;
      this.subject.complete();
    }
  }

  private set(l: Leadership): void {
    if (!same(this.subject.value, l)) this.subject.next(l);
  }

  private kick(): void {
    if (this.stopped || !this.d.conn.connected) return;
    const generation = this.d.conn.generation;
    this.run(generation).catch((err: unknown) => {
      if (!this.d.conn.live(generation)) return; // a newer connection runs its own loop
      if (!isConnectionProblem(err)) this.d.report(err instanceof Error ? err : new Error(String(err)));
      // unexpected error on a live connection (e.g. NoAuth on the candidates' parent): try again a bit later
      this.d.later(1000, () => this.d.conn.live(generation) && this.kick());
    });
  }

  private async run(gen: number): Promise<void> {
    const { ops, conn, candidates, leader } = this.d;
    for (;;) {
      conn.guard(gen);
      if (this.mySession !== ops.sessionId) this.myNode = null;
      if (!this.myNode) await this.join(gen);
      const children = (await ops.getChildren(candidates))?.children ?? [];
      conn.guard(gen);
      const pos = positionOf(children, this.myNode!);
      if (pos.kind === 'absent') {
        // someone deleted our candidate node: we are no longer in the running; join again at the end
        await this.stepDown(gen);
        this.myNode = null;
        continue;
      }
      if (pos.kind === 'follower') {
        await this.stepDown(gen);
        conn.guard(gen);
        this.set({ state: 'follower' });
        const w = conn.arm();
        const pred = await ops.getData(`${candidates}/${pos.watch}`, w.watcher);
        if (!pred) {
          w.cancel();
          continue;
        }
        const why = await w.woke;
        if (why === 'fired') this.predecessorWakeups++;
        continue;
      }
      const epoch = await this.claimMaster(gen);
      conn.guard(gen);
      this.set({ state: 'leader', epoch });
      // hold until our candidate node or the master node changes, then look again
      const w = conn.arm();
      const own = await ops.exists(`${candidates}/${this.myNode}`, w.watcher);
      const master = await ops.exists(leader, w.watcher);
      conn.guard(gen);
      if (!own || !master || czxidOf(master) !== epoch) {
        w.cancel();
        continue;
      }
      await w.woke;
    }
  }

  /** Find the candidate node our session already has, or create one. */
  private async join(gen: number): Promise<void> {
    const { ops, conn, candidates } = this.d;
    await ops.ensurePath(candidates, this.d.acls.container);
    const session = ops.sessionId;
    if (this.uncertainCreate !== null && this.uncertainCreate === session) {
      const ours: string[] = [];
      for (const child of (await ops.getChildren(candidates))?.children ?? []) {
        const stat = await ops.exists(`${candidates}/${child}`);
        if (stat && ownedBy(stat, session)) ours.push(child);
      }
      conn.guard(gen);
      const [keep, ...extra] = orderCandidates(ours);
      for (const e of extra) await this.d.ops.removeOwn(`${candidates}/${e}`);
      if (keep) {
        this.adopt(keep, session);
        return;
      }
    }
    this.uncertainCreate = session;
    const path = await ops.create(`${candidates}/n_`, this.d.candidateData(), this.d.acls.node, CreateMode.EPHEMERAL_SEQUENTIAL);
    // no guard before adopting: on the same session the node is valid even if the connection moved on
    if (ops.sessionId !== session) throw new Superseded('session changed during create');
    this.adopt(path.slice(path.lastIndexOf('/') + 1), session);
  }

  private adopt(node: string, session: string | null): void {
    this.myNode = node;
    this.mySession = session;
    this.uncertainCreate = null;
  }

  /** Make the leader node ours; returns its czxid. Waits out a leader node held by any other session. */
  private async claimMaster(gen: number): Promise<string> {
    const { ops, conn, leader } = this.d;
    let warned: string | null = null;
    for (;;) {
      conn.guard(gen);
      const w = conn.arm();
      const got = await ops.getData(leader, w.watcher);
      conn.guard(gen);
      if (!got) {
        w.cancel();
        this.mayHoldMaster = true;
        try {
          await ops.create(leader, this.d.leaderData(), this.d.acls.node, CreateMode.EPHEMERAL);
        } catch (err) {
          const code = zkErrorCode(err);
          if (code === NODE_EXISTS) continue;
          if (code !== NO_NODE) throw err;
          await ops.ensurePath(parentOf(leader), this.d.acls.container);
          continue;
        }
        const stat = await ops.exists(leader);
        if (stat && ownedBy(stat, ops.sessionId)) return czxidOf(stat);
        continue;
      }
      if (ownedBy(got.stat, ops.sessionId)) {
        w.cancel();
        this.mayHoldMaster = true;
        return czxidOf(got.stat);
      }
      // the lowest candidate, but not the leader while another session holds the leader node
      this.set({ state: 'follower' });
      const owner = ownerOf(got.stat);
      if (warned !== owner) {
        warned = owner;
        this.d.report(new Error(`${leader} is held by session 0x${owner}, not ours; waiting for it to go`));
      }
      const why = await w.woke;
      if (why !== 'fired') throw new Superseded('connection changed while waiting for the master node');
    }
  }

  /** Stop leading, if we were: say so first, then delete our master node. */
  private async stepDown(gen: number): Promise<void> {
    if (this.subject.value?.state === 'leader') this.set({ state: 'follower' });
    if (!this.mayHoldMaster) return;
    this.d.conn.guard(gen);
    await this.d.ops.removeOwn(this.d.leader);
    this.mayHoldMaster = false;
  }
}

