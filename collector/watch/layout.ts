/**
 * Which znodes of a cluster root the collector mirrors (docs/contract.md §2), and how.
 * Paths here are relative to the cluster root, without a leading slash.
 */

/** Containers whose children are watched. "assign" has containers (one per worker) as children. */
export const FIXED_CONTAINERS = ['workers', 'election', 'tasks', 'assign', 'status'] as const;

/** Leaves watched directly by path (data and existence). */
export const FIXED_LEAVES = ['master'] as const;

/** Is a child of this container itself a container? Only R/assign/<worker>. */
export function childIsContainer(container: string): boolean {
  return container === 'assign';
}

export function joinPath(root: string, rel: string): string {
  if (rel === '') return root === '' ? '/' : root;
  return root === '/' ? `/${rel}` : `${root}/${rel}`;
}
