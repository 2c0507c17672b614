/**
 * Polls the servers of each ensemble every `pollMs` (docs/contract.md §10): every server of the connect
 * string (and of `/zookeeper/config` when reconfiguration is on), all at once, each bounded in time, so
 * one slow server never delays the others. The AdminServer first (`/commands/monitor`, `stats`,
 * `connections`), else the four-letter words (`ruok`, `mntr`, `srvr`, `cons`). The I/O edge: what the
 * servers say is judged by observe.ts (pure). Timers run on the injected scheduler.
 */
import { Subject, asyncScheduler, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { adminCommand } from '../../zk/admin-server.ts';
import { sendFourLetterWord } from '../../zk/four-letter.ts';
import { membersOfConnectString, membersOfDynamicConfig, mergeMembers, type EnsembleMember } from './members.ts';
import { observeAdmin, observeFourLetter, type Answer, type Observed } from './observe.ts';
import type { ClientConnection, EnsembleSnapshot, ServerObservation } from './types.ts';

export const DEFAULT_ENSEMBLE_POLL_MS = 10_000;
export const DEFAULT_ADMIN_PORT = 8080;
/** each request to a server (connect + answer) */
export const ENSEMBLE_REQUEST_TIMEOUT_MS = 5000;
/** a server whose AdminServer did not answer is asked through the four-letter words; its AdminServer again after this many polls */
const ADMIN_RETRY_POLLS = 6;

export interface EnsembleSource {
  name: string;
  /** the connect string (`host:port,...[/chroot]`) */
  connect: string;
  /** `/zookeeper/config`'s data, null when there is none; absent: the connect string's servers only */
  readDynamicConfig?: () => Promise<string | null>;
}

export interface PollLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface EnsemblePollerOptions {
  ensembles: readonly EnsembleSource[];
  pollMs?: number;
  /** the AdminServer's port on every server (default 8080); null: four-letter words only */
  adminPort?: number | null;
  /** per server ("host:clientPort"), its own AdminServer port (null: none) */
  adminPorts?: Readonly<Record<string, number | null>>;
  timeoutMs?: number;
  scheduler?: SchedulerLike;
  now?: () => number;
  log?: PollLog;
}

const errorOf = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
const settle = <T>(p: Promise<T>): Promise<Answer<T>> => p.then((v) => v, errorOf);

export class EnsemblePoller {
  /** every snapshot, as each poll of an ensemble ends */
  readonly snapshots$ = new Subject<EnsembleSnapshot>();
  private readonly latestByName = new Map<string, EnsembleSnapshot>();
  private readonly scheduler: SchedulerLike;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  /** polls left before the AdminServer of a server is tried again */
  private readonly adminSkip = new Map<string, number>();
  /** last known voting role per server (a server that went down keeps its role) */
  private readonly voting = new Map<string, boolean>();
  /** the problem kind last logged per server (each is logged once, not every poll) */
  private readonly logged = new Map<string, string>();
  private sub: Subscription | null = null;
  private polling: Promise<EnsembleSnapshot[]> | null = null;

  constructor(private readonly options: EnsemblePollerOptions) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.now = options.now ?? (() => this.scheduler.now());
    this.timeoutMs = options.timeoutMs ?? ENSEMBLE_REQUEST_TIMEOUT_MS;
  }

  /** the latest snapshot of each ensemble (in config order; an ensemble not polled yet is absent) */
  latest(): readonly EnsembleSnapshot[] {
    return this.options.ensembles.map((e) => this.latestByName.get(e.name)).filter((s): s is EnsembleSnapshot => s !== undefined);
  }

  /** Polls now and then every pollMs; a tick while a poll is still running is skipped. */
  start(): void {
    if (this.sub || this.options.ensembles.length === 0) return;
    this.sub = timer(0, this.options.pollMs ?? DEFAULT_ENSEMBLE_POLL_MS, this.scheduler).subscribe(() => {
      if (!this.polling) void this.pollNow();
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  /** One poll of every ensemble (the running one, if a poll is in flight). */
  pollNow(): Promise<EnsembleSnapshot[]> {
    this.polling ??= Promise.all(this.options.ensembles.map((e) => this.pollEnsemble(e))).finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollEnsemble(source: EnsembleSource): Promise<EnsembleSnapshot> {
    const members = await this.membersOf(source);
    const observed = await Promise.all(members.map((m) => this.pollServer(m)));
    const servers: ServerObservation[] = [];
    const connections: ClientConnection[] = [];
    for (const { observation, connections: listed } of observed) {
      if (observation.voting !== null) this.voting.set(observation.server, observation.voting);
      else if (this.voting.has(observation.server)) observation.voting = this.voting.get(observation.server) ?? null;
      servers.push(observation);
      connections.push(...listed);
      this.report(source.name, observation);
    }
    const snapshot: EnsembleSnapshot = { ensemble: source.name, time: this.now(), servers, connections };
    this.latestByName.set(source.name, snapshot);
    this.snapshots$.next(snapshot);
    return snapshot;
  }

  private async membersOf(source: EnsembleSource): Promise<EnsembleMember[]> {
    const fromConnect = membersOfConnectString(source.connect);
    if (!source.readDynamicConfig) return fromConnect;
    try {
      const text = await source.readDynamicConfig();
      return text === null ? fromConnect : mergeMembers(fromConnect, membersOfDynamicConfig(text));
    } catch {
      // no session right now: the connect string's servers are still polled
      return fromConnect;
    }
  }

  private adminPortOf(server: string): number | null {
    const own = this.options.adminPorts?.[server];
    if (own !== undefined) return own;
    return this.options.adminPort === undefined ? DEFAULT_ADMIN_PORT : this.options.adminPort;
  }

  private async pollServer(member: EnsembleMember): Promise<Observed> {
    const adminPort = this.adminPortOf(member.server);
    const skip = this.adminSkip.get(member.server) ?? 0;
    let adminProblem: string | null = null;
    if (adminPort !== null && skip === 0) {
      const bound = { timeoutMs: this.timeoutMs };
      const [monitor, stats, connections] = await Promise.all([
        settle(adminCommand(member.host, adminPort, 'monitor', bound)),
        settle(adminCommand(member.host, adminPort, 'stats', bound)),
        settle(adminCommand(member.host, adminPort, 'connections', bound)),
      ]);
      const admin = observeAdmin(member.server, member.voting, { monitor, stats, connections });
      if (admin) return admin;
      adminProblem = monitor instanceof Error ? monitor.message : `http://${member.host}:${adminPort}/commands/monitor: not an AdminServer answer`;
    } else if (skip > 0) this.adminSkip.set(member.server, skip - 1);
    const word = (w: string) => settle(sendFourLetterWord(member.host, member.port, w, { timeoutMs: this.timeoutMs }));
    const [ruok, mntr, srvr, cons] = await Promise.all([word('ruok'), word('mntr'), word('srvr'), word('cons')]);
    const observed = observeFourLetter(member.server, member.voting, { ruok, mntr, srvr, cons });
    const o = observed.observation;
    if (adminProblem && o.up && o.problem) o.problem = `${o.problem}; the AdminServer did not answer either (${adminProblem})`;
    // a server read fully through the words is not asked its AdminServer every poll; a down or refusing one is
    if (adminPort !== null && skip === 0) {
      const fine = observed.observation.up && !observed.observation.problem?.includes('4lw.commands.whitelist');
      this.adminSkip.set(member.server, fine ? ADMIN_RETRY_POLLS : 0);
    }
    return observed;
  }

  /** Logs a server's problem once (and once when it is over), not at every poll. */
  private report(ensemble: string, s: ServerObservation): void {
    const kind = !s.up ? 'down' : s.problem?.includes('4lw.commands.whitelist') ? 'refused' : !s.serving ? 'not-serving' : '';
    const before = this.logged.get(s.server) ?? '';
    if (kind === before) return;
    this.logged.set(s.server, kind);
    if (kind === '') this.options.log?.info({ ensemble, server: s.server, source: s.source }, `ZooKeeper server ${s.server} is read again`);
    else this.options.log?.warn({ ensemble, server: s.server, problem: s.problem }, `ZooKeeper server ${s.server}: ${s.problem ?? kind}`);
  }
}
