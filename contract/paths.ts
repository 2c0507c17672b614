/** Relative znode paths of a layout, and how they join the cluster root. Pure string work. */
import type { WatchedContainer, WatchPlan } from './layout.ts';
import { compileGlob, type Glob } from './glob.ts';

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
  /** are the children of this container containers themselves? (all of them, when the container has no `match`) */
  childrenAreContainers(rel: string): boolean;
  /** a leaf the plan watches by path (absent: its creation is watched) */
  isLeaf(rel: string): boolean;
  /** a node below a container whose data is read: the last level of a container, or where a `match` alternative ends */
  isWatchedLeaf(rel: string): boolean;
}

interface IndexedContainer {
  readonly path: string;
  readonly prefix: string;
  readonly depth: number;
  /** compiled `match` alternatives; null: every node below */
  readonly match: readonly (readonly Glob[])[] | null;
}

function compileMatch(container: WatchedContainer): readonly (readonly Glob[])[] | null {
  if (container.match === undefined) return null;
  return container.match.map((alternative) =>
    alternative.map((pattern) => {
      const compiled = compileGlob(pattern);
      // a plan is code or a checked config (locks-and-config.ts): a bad pattern here matches nothing
      return compiled.ok ? compiled.glob : { pattern, matches: () => false };
    }),
  );
}

export function indexWatchPlan(plan: WatchPlan): WatchPlanIndex {
  const containers: IndexedContainer[] = plan.containers.map((c) => ({
    path: c.path,
    // "" is the cluster root itself (a Curator latch, a discovery base path): every path is below it
    prefix: c.path === '' ? '' : `${c.path}/`,
    depth: c.depth,
    match: compileMatch(c),
  }));
  const exact = new Map<string, number>();
  for (const c of containers) exact.set(c.path, Math.max(exact.get(c.path) ?? 0, c.depth));
  const leaves = new Set(plan.leaves);
  /**
   * What `rel` is below the containers: the most levels below it that are still containers (0: none), and
   * whether its data is read (a leaf of some container).
   */
  const below = (rel: string): { levels: number; leaf: boolean } => {
    let levels = exact.get(rel) ?? 0;
    let leaf = false;
    if (rel === '') return { levels, leaf };
    for (const c of containers) {
      if (!rel.startsWith(c.prefix) || rel === c.path) continue;
      const names = rel.slice(c.prefix.length).split('/');
      const level = names.length;
      if (level > c.depth) continue;
      if (c.match === null) {
        if (level < c.depth) levels = Math.max(levels, c.depth - level);
        else leaf = true;
        continue;
      }
      for (const alternative of c.match) {
        if (alternative.length < level) continue;
        let ok = true;
        for (let i = 0; i < level && ok; i++) ok = (alternative[i] as Glob).matches(names[i] as string);
        if (!ok) continue;
        if (alternative.length > level) levels = Math.max(levels, alternative.length - level);
        else leaf = true;
      }
    }
    return { levels, leaf };
  };
  return {
    plan,
    isContainer: (rel) => below(rel).levels > 0,
    childrenAreContainers: (rel) => below(rel).levels > 1,
    isLeaf: (rel) => leaves.has(rel),
    isWatchedLeaf: (rel) => below(rel).leaf,
  };
}
