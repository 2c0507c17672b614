/**
 * Domain events: what the cluster model reducer derives from watch events.
 * They drive the API's SSE stream, the `event` measurement and the alert rules.
 */

interface Base {
  cluster: string;
  /** when it was observed, ms since the epoch (the watch event's time) */
  time: number;
  /** derived from a resync after a blind period */
  afterBlind?: true;
}

export type WorkerLeftReason = 'leaving' | 'crash';
export type TaskOutcome = 'done' | 'failed' | 'interrupted';

export type DomainEvent =
  | (Base & { type: 'WorkerJoined'; worker: string; host: string | null })
  | (Base & { type: 'WorkerLeft'; worker: string; reason: WorkerLeftReason })
  | (Base & { type: 'HeartbeatSeen'; worker: string; beat: number })
  | (Base & { type: 'MasterElected'; id: string | null; epoch: string; session: string })
  | (Base & { type: 'MasterLost'; id: string | null; epoch: string })
  | (Base & { type: 'CandidateJoined'; node: string; id: string | null; session: string })
  | (Base & { type: 'CandidateLeft'; node: string; id: string | null })
  | (Base & { type: 'TaskCreated'; task: string })
  | (Base & { type: 'TaskAssigned'; task: string; worker: string })
  | (Base & { type: 'ProgressUpdated'; task: string; worker: string | null; done: number; total: number })
  | (Base & { type: 'TaskFinished'; task: string; worker: string | null; outcome: TaskOutcome })
  | (Base & { type: 'DataInvalid'; path: string; reason: string })
  /** a contender became a holder of `lock` (docs/contract.md §9); `waiters`: contenders left waiting */
  | (Base & { type: 'LockAcquired'; lock: string; node: string; owner: string | null; session: string; waiters: number })
  /** a holder's node is gone; `heldMs`: how long it held */
  | (Base & { type: 'LockReleased'; lock: string; node: string; owner: string | null; heldMs: number })
  /**
   * a configuration key was created, changed or deleted (version -1): never the data, only its size and
   * digest; `changedFields`: the top-level JSON names whose values changed, for keys that opt in to a diff
   */
  | (Base & { type: 'ConfigChanged'; key: string; version: number; bytes: number; digest: string | null; changedFields?: string[] });

export type DomainEventType = DomainEvent['type'];
