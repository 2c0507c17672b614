/**
 * What the collector tells a person about its ZooKeeper connection: a pure function of (state, input)
 * → (state, the line to log, if any). Once per outage, when every server of the connect string has
 * failed (one attempt per server, so a single server down in an ensemble is no outage):
 * `cannot reach ZooKeeper at 127.0.0.1:21810 (connection refused); cluster crawler is not watched yet; retrying`;
 * and when a session is (re)established, that it is. The attempts come from the socket errors
 * (connect-failure.ts), the states from ZkSession.
 */
import type { ConnectionState } from './watch/events.ts';
import type { ConnectFailure } from '../zk/connect-failure.ts';

export interface ReachState {
  /** a session was established at least once */
  everConnected: boolean;
  connected: boolean;
  /** failed attempts since the outage began, and the last failure per server, in the order first seen */
  attempts: number;
  failures: ReadonlyMap<string, ConnectFailure>;
  /** the outage's "cannot reach" line was logged */
  reported: boolean;
}

export type ReachInput =
  | { kind: 'failure'; failure: ConnectFailure }
  | { kind: 'state'; state: ConnectionState; reason?: string; server?: string; sessionId?: string };

export interface ReachReport {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

export interface ReachContext {
  /** number of servers in the connect string */
  servers: number;
  /** the configured cluster names */
  clusters: readonly string[];
}

export function initialReach(): ReachState {
  return { everConnected: false, connected: false, attempts: 0, failures: new Map(), reported: false };
}

/** How many servers a connect string names ("a:1,b:2/chroot" → 2). */
export function serverCount(connectString: string): number {
  const hosts = connectString.split('/')[0] ?? '';
  return Math.max(1, hosts.split(',').filter((h) => h.trim() !== '').length);
}

const LISTED = 5;

/** "cluster a", "clusters a, b", "clusters a, b, c, d, e, ... (12 in all)" */
export function clusterList(names: readonly string[]): string {
  if (names.length === 1) return `cluster ${names[0]}`;
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `clusters ${shown}, ... (${names.length} in all)` : `clusters ${shown}`;
}

const are = (names: readonly string[]) => (names.length === 1 ? 'is' : 'are');

const outage = (state: ReachState, patch: Partial<ReachState>): ReachState => ({
  ...state,
  connected: false,
  attempts: 0,
  failures: new Map(),
  reported: false,
  ...patch,
});

export function stepReach(state: ReachState, input: ReachInput, ctx: ReachContext): { state: ReachState; report?: ReachReport } {
  const clusters = clusterList(ctx.clusters);
  if (input.kind === 'failure') {
    if (state.connected) return { state };
    const failures = new Map(state.failures);
    failures.delete(input.failure.server); // keep the latest reason, in the order of the latest attempts
    failures.set(input.failure.server, input.failure);
    const next: ReachState = { ...state, attempts: state.attempts + 1, failures };
    if (state.reported || next.attempts < ctx.servers) return { state: next };
    const list = [...failures.values()];
    const where = list.map((f) => `${f.server} (${f.reason})`).join(', ');
    const consequence = state.everConnected
      ? `${clusters} ${are(ctx.clusters)} not watched until it is back`
      : `${clusters} ${are(ctx.clusters)} not watched yet`;
    return {
      state: { ...next, reported: true },
      report: {
        level: 'warn',
        message: `cannot reach ZooKeeper at ${where}; ${consequence}; retrying`,
        fields: { zk: list.map((f) => f.server).join(','), reason: list.map((f) => f.reason).join('; '), code: list.map((f) => f.code ?? '-').join(',') },
      },
    };
  }
  const at = input.server ? ` at ${input.server}` : '';
  const session = input.sessionId ? ` (session 0x${input.sessionId})` : '';
  const fields = { state: input.state, zk: input.server ?? null, session: input.sessionId ?? null, reason: input.reason ?? null };
  switch (input.state) {
    case 'connected': {
      const what = state.everConnected ? `connected to ZooKeeper${at} with a new session${session}; resyncing ${clusters}` : `connected to ZooKeeper${at}${session}; watching ${clusters}`;
      return { state: outage(state, { everConnected: true, connected: true }), report: { level: 'info', message: what, fields } };
    }
    case 'reconnected':
      return {
        state: outage(state, { everConnected: true, connected: true }),
        report: { level: 'info', message: `reconnected to ZooKeeper${at}, same session${session}; resyncing ${clusters}`, fields },
      };
    case 'disconnected':
      return {
        state: outage(state, {}),
        report: { level: 'warn', message: `lost the connection to ZooKeeper${at} (${input.reason ?? 'connection lost'}); ${clusters} ${are(ctx.clusters)} blind until it is back; reconnecting`, fields },
      };
    case 'expired':
      return {
        state: outage(state, {}),
        report: { level: 'warn', message: `the ZooKeeper session expired${session}; starting a new one, then ${clusters} will be resynced`, fields },
      };
  }
}
