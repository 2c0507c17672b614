/** The demo's task names `task-<n>` (its own naming; the contract keeps task names opaque). */

/** Number of a generated task `task-12`, NaN otherwise. */
export function taskNumber(name: string): number {
  const m = /^task-(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.NaN;
}
