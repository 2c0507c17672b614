/**
 * A simulated master candidate: joins R/election with an EPHEMERAL_SEQUENTIAL node, watches only
 * its predecessor, and when it is the lowest takes R/master and acts as master (MasterRole).
 */
import { openSession, type SimContext } from './context.ts';
import { encodeCandidate, encodeMaster } from '../contract/zkpulse/data.ts';
import { candidateNameSeq } from '../contract/zkpulse/paths.ts';
import { MasterRole } from './master-role.ts';
import { Codes, describeError, hasCode, type SimSession } from './sim-session.ts';
import { Timers } from './timers.ts';

export class SimCandidate {
  private stopped = false;
  private role: MasterRole | undefined;
  private myNode = '';
  private takingOver = false;
  private readonly timers: Timers;

  private constructor(
    private readonly ctx: SimContext,
    readonly id: string,
    private readonly session: SimSession,
  ) {
    this.timers = new Timers((err) => this.logError(err));
  }

  static async start(ctx: SimContext, id: string, onExpired: (c: SimCandidate) => void): Promise<SimCandidate> {
    const made: { candidate?: SimCandidate } = {}; // the expiry callback needs the object made after the session
    const session = await openSession(ctx, () => made.candidate && onExpired(made.candidate));
    const candidate = (made.candidate = new SimCandidate(ctx, id, session));
    try {
      const path = await session.create(ctx.paths.candidatePrefix, encodeCandidate({ id }), 'ephemeral-sequential');
      candidate.myNode = path.slice(path.lastIndexOf('/') + 1);
      await candidate.check();
    } catch (err) {
      await session.close();
      throw err;
    }
    return candidate;
  }

  get isMaster(): boolean {
    return this.role !== undefined;
  }

  /** Stops doing the master's work (assigning) but keeps holding R/master until leave(). */
  stopActing(): void {
    this.role?.stop();
  }

  /** The process dies: its election node and R/master (if it holds it) vanish with the session. */
  async crash(): Promise<void> {
    this.stopped = true;
    this.role?.stop();
    this.timers.clear();
    await this.session.close();
  }

  /** Steps down on purpose: deletes R/master (if held) and its election node, then closes. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.role?.stop();
    this.timers.clear();
    const p = this.ctx.paths;
    try {
      if (this.role) await this.session.remove(p.master);
      await this.session.remove(`${p.election}/${this.myNode}`);
    } catch (err) {
      this.ctx.log(`${this.id}: while leaving: ${describeError(err)}`);
    }
    await this.session.close();
  }

  private readonly onWatch = (): void => {
    if (!this.stopped) this.check().catch((err) => this.logError(err));
  };

  /** Lowest sequence leads; everyone else watches the one just below it. */
  private async check(): Promise<void> {
    if (this.stopped || this.role) return;
    const p = this.ctx.paths;
    const queue = (await this.session.children(p.election))
      .filter((n) => !Number.isNaN(candidateNameSeq(n)))
      .sort((a, b) => candidateNameSeq(a) - candidateNameSeq(b));
    const at = queue.indexOf(this.myNode);
    if (at < 0) throw new Error(`election node ${this.myNode} is gone`);
    if (at === 0) return this.takeOver();
    const predecessor = queue[at - 1] as string;
    if (!(await this.session.exists(`${p.election}/${predecessor}`, this.onWatch))) await this.check();
  }

  private async takeOver(): Promise<void> {
    if (this.takingOver) return;
    this.takingOver = true;
    try {
      await this.claimMaster();
    } finally {
      this.takingOver = false;
    }
  }

  private async claimMaster(): Promise<void> {
    const p = this.ctx.paths;
    try {
      await this.session.create(p.master, encodeMaster({ id: this.id, since: this.ctx.now() }), 'ephemeral');
    } catch (err) {
      if (!hasCode(err, Codes.nodeExists)) throw err;
      // the old master's session is not over yet: wait for its node to go
      this.ctx.log(`${this.id}: leads the election, waiting for the old master node to go`);
      if (!(await this.session.exists(p.master, this.onWatch))) this.timers.after(0, () => this.check());
      return;
    }
    this.ctx.log(`${this.id}: is master`);
    this.role = new MasterRole(this.ctx, this.id, this.session, this.timers);
    this.role.start();
  }

  private logError(err: unknown): void {
    if (!this.stopped) this.ctx.log(`${this.id}: ${describeError(err)}`);
  }
}
