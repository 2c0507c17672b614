/**
 * `GET /api/ensembles` (docs/contract.md §10), pure: per ensemble its servers, quorum, and the sessions
 * join — each ephemeral node of a monitored cluster (master, candidates, workers, lock contenders) by its
 * owner session, with the client address the servers list for that session — and the sessions per client IP.
 */
import type { ClusterModel } from '../model/types.ts';
import { quorumOf, type Quorum } from './quorum.ts';
import { ipOf } from './parse-values.ts';
import type { EnsembleSnapshot, ServerObservation } from './types.ts';

export type HoldKind = 'master' | 'candidate' | 'worker' | 'lock';

export interface SessionHold {
  cluster: string;
  kind: HoldKind;
  /** master/candidate/worker: its id (the node name when the data names none); lock: the lock's path relative to the root */
  id: string;
  /** lock only: the contender holds it (false: it waits) */
  holder?: boolean;
}

export interface SessionView {
  session: string;
  /** the client's "ip:port"; null when no server that answered lists the session */
  address: string | null;
  /** the server it is connected to; null when not known */
  server: string | null;
  holds: SessionHold[];
}

export interface EnsembleView {
  name: string;
  servers: readonly ServerObservation[];
  quorum: Quorum;
  /** when the poll finished, ms since the epoch */
  polledAt: number;
  /** set when no server of the ensemble could be read */
  problem?: string;
  sessions: SessionView[];
  addresses: { address: string; sessions: number }[];
}

/** Every ephemeral node of the models, by owner session. */
export function holdsBySession(models: readonly ClusterModel[]): Map<string, SessionHold[]> {
  const out = new Map<string, SessionHold[]>();
  const add = (session: string, hold: SessionHold) => {
    if (!session || /^0+$/.test(session)) return;
    const list = out.get(session);
    if (list) list.push(hold);
    else out.set(session, [hold]);
  };
  for (const m of models) {
    if (m.master) add(m.master.session, { cluster: m.name, kind: 'master', id: m.master.id ?? m.master.node ?? 'master' });
    for (const c of m.candidates.values()) add(c.session, { cluster: m.name, kind: 'candidate', id: c.id ?? c.node });
    for (const w of m.workers.values()) if (w.up) add(w.session, { cluster: m.name, kind: 'worker', id: w.id });
    for (const lock of m.locks.values()) {
      for (const c of lock.contenders.values()) add(c.session, { cluster: m.name, kind: 'lock', id: lock.lock, holder: lock.holders.includes(c.node) });
    }
  }
  return out;
}

/** the monitored clusters' sessions are joined only on the ensemble they live on (`default` until clusters name one) */
export function ensembleView(snapshot: EnsembleSnapshot, models: readonly ClusterModel[]): EnsembleView {
  const bySession = new Map(snapshot.connections.map((c) => [c.session, c]));
  const sessions: SessionView[] = [...holdsBySession(models)].map(([session, holds]) => {
    const connection = bySession.get(session);
    return { session, address: connection?.address ?? null, server: connection?.server ?? null, holds };
  });
  const perIp = new Map<string, Set<string>>();
  for (const c of snapshot.connections) {
    const ip = ipOf(c.address);
    const set = perIp.get(ip) ?? new Set<string>();
    set.add(c.session);
    perIp.set(ip, set);
  }
  const addresses = [...perIp].map(([address, set]) => ({ address, sessions: set.size })).sort((a, b) => b.sessions - a.sessions || a.address.localeCompare(b.address));
  const view: EnsembleView = { name: snapshot.ensemble, servers: snapshot.servers, quorum: quorumOf(snapshot.servers), polledAt: snapshot.time, sessions, addresses };
  if (snapshot.servers.length > 0 && snapshot.servers.every((s) => !s.up)) view.problem = `no server of ensemble ${snapshot.ensemble} answers: ${snapshot.servers[0]?.problem ?? 'down'}`;
  else if (snapshot.servers.length > 0 && snapshot.servers.every((s) => s.problem !== null)) view.problem = snapshot.servers[0]?.problem ?? undefined;
  return view;
}

export function ensemblesView(snapshots: readonly EnsembleSnapshot[], modelsOf: (ensemble: string) => readonly ClusterModel[]): { ensembles: EnsembleView[] } {
  return { ensembles: snapshots.map((s) => ensembleView(s, modelsOf(s.ensemble))) };
}
