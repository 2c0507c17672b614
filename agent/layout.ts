/** Znode paths of one cluster root (docs/contract.md §2) and the data the agent writes there. */
export interface AgentPaths {
  root: string;
  workers: string;
  status: string;
  election: string;
  master: string;
  worker(id: string): string;
  statusOf(task: string): string;
}

export function agentPaths(root: string): AgentPaths {
  return {
    root,
    workers: `${root}/workers`,
    status: `${root}/status`,
    election: `${root}/election`,
    master: `${root}/master`,
    worker: (id) => `${root}/workers/${id}`,
    statusOf: (task) => `${root}/status/${task}`,
  };
}

export type WorkerState = 'ready' | 'busy' | 'leaving';

export interface WorkerData {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatMs: number;
  state: WorkerState;
  meta: Record<string, unknown>;
}

export type TaskState = 'running' | 'done' | 'failed';

export interface StatusData {
  worker: string;
  done: number;
  total: number;
  state: TaskState;
  message: string | null;
  updatedAt: number;
}

export interface MasterData {
  id: string;
  since: number;
}

export const encode = (data: object): Buffer => Buffer.from(JSON.stringify(data));
