/**
 * The alert types shared by the rule engine (rules → state machine) and the notifier pipeline
 * (inhibit → silence → group → dedupe → retry → deliver). docs/contract.md §5.
 */

export type Labels = Readonly<Record<string, string>>;

export type Severity = 'critical' | 'warning' | 'info';

/** The built-in rules; the `alertname` label. */
export type AlertName =
  | 'MasterMissing'
  | 'MasterFlapping'
  | 'WorkerLost'
  | 'WorkersBelowMinimum'
  | 'HeartbeatStale'
  | 'ProgressStalled'
  | 'TaskOrphaned'
  | 'SplitBrain'
  | 'KafkaOfflinePartitions'
  | 'LockHeldTooLong'
  | 'LockContention'
  | 'SequenceNearExhaustion'
  | 'ConfigChanged'
  | 'CollectorDisconnected'
  | EnsembleAlertName;

/** The rules judged per ZooKeeper ensemble (docs/contract.md §10): labels `ensemble` (+ `server`), never `cluster`. */
export type EnsembleAlertName =
  | 'ZooKeeperServerDown'
  | 'ZooKeeperNoLeader'
  | 'ZooKeeperMultipleLeaders'
  | 'ZooKeeperQuorumAtRisk'
  | 'ZooKeeperLatencyHigh'
  | 'ZooKeeperOutstandingRequests'
  | 'ZooKeeperFileDescriptors';

/**
 * One alert instance as the rule engine sees it, Prometheus style: `pending` while its condition
 * holds for less than the rule's `for`, `firing` after, `resolved` once the condition stopped holding
 * (resolved alerts are kept for a while and re-sent, so a lost notice is retried).
 * Labels always hold alertname, cluster, severity, plus worker/task/topic/lock/parent/key where one is concerned;
 * the ensemble rules' hold alertname, ensemble, severity, plus server where one is concerned (no cluster).
 */
export interface AlertInstance {
  /** stable hash of the labels (hex), Alertmanager's fingerprint */
  fingerprint: string;
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing' | 'resolved';
  /** when the condition was first seen true, ms */
  activeAt: number;
  /** when it started firing (activeAt + for); equals activeAt while pending, ms */
  startsAt: number;
  /** when it resolved, ms; null while pending/firing */
  endsAt: number | null;
}
