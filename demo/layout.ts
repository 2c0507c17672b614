/** Paths and node data of docs/contract.md §2, as the simulated processes write them. */
export const paths = (root: string) => ({
  master: `${root}/master`,
  election: `${root}/election`,
  electionPrefix: `${root}/election/n_`,
  workers: `${root}/workers`,
  worker: (id: string) => `${root}/workers/${id}`,
  tasks: `${root}/tasks`,
  task: (t: string) => `${root}/tasks/${t}`,
  assign: `${root}/assign`,
  assignDir: (w: string) => `${root}/assign/${w}`,
  assignment: (w: string, t: string) => `${root}/assign/${w}/${t}`,
  status: `${root}/status`,
  taskStatus: (t: string) => `${root}/status/${t}`,
});
export type Paths = ReturnType<typeof paths>;

// the znode data shapes of docs/contract.md §2, shared with the agent library
export type { WorkerState, WorkerData, StatusData } from '../agent/layout.ts';

export const masterData = (id: string, since: number): string => JSON.stringify({ id, since });
export const candidateData = (id: string): string => JSON.stringify({ id });

/** Sequence number of an election child `n_0000000012`, NaN if it is not one. */
export function electionSeq(name: string): number {
  const m = /^n_(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.NaN;
}

/** Number of a generated task `task-12`, NaN otherwise. */
export function taskNumber(name: string): number {
  const m = /^task-(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.NaN;
}
