/**
 * Where the nodes of the zkpulse layout live (docs/contract.md §2): absolute paths for writers (the agent,
 * the demo, the election recipe) and the relative names readers classify.
 */

/** Relative names under the cluster root R. */
export const MASTER = 'master';
export const ELECTION = 'election';
export const WORKERS = 'workers';
export const TASKS = 'tasks';
export const ASSIGN = 'assign';
export const STATUS = 'status';
/** R/locks/<lock>/lock-<seq>: the lock recipe's contenders (docs/contract.md §9) */
export const LOCKS = 'locks';
/** R/config/<key>: configuration keys (docs/contract.md §9) */
export const CONFIG = 'config';
/** a candidate is R/election/n_<seq>, created EPHEMERAL_SEQUENTIAL with this prefix */
export const CANDIDATE_PREFIX = 'n_';
/** a lock contender is R/locks/<lock>/lock-<seq>, created EPHEMERAL_SEQUENTIAL with this prefix */
export const LOCK_PREFIX = 'lock-';

/** The nodes one participant writes: its worker node, the status of its tasks, the election and the master. */
export interface ParticipantPaths {
  root: string;
  workers: string;
  status: string;
  election: string;
  master: string;
  worker(id: string): string;
  statusOf(task: string): string;
}

/** Every node of a zkpulse cluster root, absolute. */
export interface ZkpulsePaths extends ParticipantPaths {
  /** R/election/n_: the path a candidate creates, sequential */
  candidatePrefix: string;
  tasks: string;
  task(task: string): string;
  assign: string;
  /** R/assign/<worker>: the tasks assigned to a worker */
  assignDir(worker: string): string;
  assignment(worker: string, task: string): string;
  /** R/locks: one child per lock */
  locks: string;
  /** R/locks/<lock>: the lock's contenders */
  lock(name: string): string;
  /** R/locks/<lock>/lock-: the path a contender creates, EPHEMERAL_SEQUENTIAL, data `{"owner"}` */
  lockPrefix(name: string): string;
  /** R/config: one child per configuration key */
  config: string;
  /** R/config/<key> */
  configKey(key: string): string;
}

/** The paths under `root` (absolute, no trailing slash). */
export function zkpulsePaths(root: string): ZkpulsePaths {
  return {
    root,
    master: `${root}/${MASTER}`,
    election: `${root}/${ELECTION}`,
    candidatePrefix: `${root}/${ELECTION}/${CANDIDATE_PREFIX}`,
    workers: `${root}/${WORKERS}`,
    worker: (id) => `${root}/${WORKERS}/${id}`,
    tasks: `${root}/${TASKS}`,
    task: (task) => `${root}/${TASKS}/${task}`,
    assign: `${root}/${ASSIGN}`,
    assignDir: (worker) => `${root}/${ASSIGN}/${worker}`,
    assignment: (worker, task) => `${root}/${ASSIGN}/${worker}/${task}`,
    status: `${root}/${STATUS}`,
    statusOf: (task) => `${root}/${STATUS}/${task}`,
    locks: `${root}/${LOCKS}`,
    lock: (name) => `${root}/${LOCKS}/${name}`,
    lockPrefix: (name) => `${root}/${LOCKS}/${name}/${LOCK_PREFIX}`,
    config: `${root}/${CONFIG}`,
    configKey: (key) => `${root}/${CONFIG}/${key}`,
  };
}

const CANDIDATE_NAME = /^n_(\d+)$/;

/** The sequence number of a well-formed candidate name `n_0000000012`; NaN for any other name. */
export function candidateNameSeq(name: string): number {
  const m = CANDIDATE_NAME.exec(name);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * The order a reader gives a candidate node: its trailing digits ("n_0000000003" → 3). A name without a
 * sequence sorts after every real candidate.
 */
export function candidateSeq(node: string): number {
  const digits = /(\d+)$/.exec(node)?.[1];
  return digits === undefined ? Number.MAX_SAFE_INTEGER : Math.min(Number(digits), Number.MAX_SAFE_INTEGER);
}
