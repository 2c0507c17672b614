/** Relative znode paths of a layout, and how they join the cluster root. Pure string work. */
import type { WatchPlan } from './layout.ts';

/** The absolute path of `rel` under `root` ("" is the root itself). */
export function joinPath(root: string, rel: string): string {
  if (rel === '') return root === '' ? '/' : root;
  return root === '/' ? `/${rel}` : `${root}/${rel}`;
}

/** Split "assign/w1/t1" into its names; a leading slash is tolerated, empty names are not (null). */
export function splitRelPath(path: string): string[] | null {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') return [];
  const parts = trimmed.split('/');
  for (const p of parts) if (p === '') return null;
  return parts;
}

/** Questions the watch layer asks of a plan, answered from its containers and leaves. */
export interface WatchPlanIndex {
  readonly plan: WatchPlan;
  /** a container of the plan, or a container below one (e.g. zkpulse "assign/w1") */
  isContainer(rel: string): boolean;
  /** are the children of this container containers themselves? */
  childrenAreContainers(rel: string): boolean;
  /** a leaf the plan watches by path (absent: its creation is watched) */
  isLeaf(rel: string): boolean;
}

export function indexWatchPlan(plan: WatchPlan): WatchPlanIndex {
  const depths = new Map(plan.containers.map((c) => [c.path, c.depth]));
  const leaves = new Set(plan.leaves);
  /** levels below `rel` that are still containers, or 0 when `rel` is no container */
  const levelsBelow = (rel: string): number => {
    const exact = depths.get(rel);
    if (exact !== undefined) return exact;
    for (const [path, depth] of depths) {
      // "" is the cluster root itself (a Curator latch, a discovery base path): every path is below it
      const prefix = path === '' ? '' : `${path}/`;
      if (depth < 2 || rel === '' || !rel.startsWith(prefix)) continue;
      const level = rel.slice(prefix.length).split('/').length;
      if (level < depth) return depth - level;
    }
    return 0;
  };
  return {
    plan,
    isContainer: (rel) => levelsBelow(rel) > 0,
    childrenAreContainers: (rel) => levelsBelow(rel) > 1,
    isLeaf: (rel) => leaves.has(rel),
  };
}
