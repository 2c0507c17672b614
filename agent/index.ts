/** The agent library: what monitored Node programs import. */
export { Agent, createAgent, type AgentDiagnostics } from './agent.ts';
export type { AgentOptions } from './options.ts';
export type { Leadership, LeadershipState } from '../zk/election.ts';
export { LockTimeoutError, LockAbandonedError, type LockLoss, type LockLossReason } from '../zk/lock.ts';
export type { LockHandle, LockOptions } from './locks.ts';
export { AgentArgumentError, AgentClosedError, ZooKeeperUnreachableError } from './errors.ts';
export { digestId, aclsFor } from '../zk/acl.ts';
export { parseProgressLine, parseSidecarLine, type ProgressLine, type SidecarLine } from './progress-line.ts';
export { exitCodeOf, EXIT_LOCK_LOST, EXIT_LOCK_NOT_ACQUIRED } from './exit-code.ts';
