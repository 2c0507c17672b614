/**
 * The election recipe's pure part: candidates `n_<seq>` ordered by their sequence number; the
 * lowest leads, every other one watches only the candidate just before it (no herd effect).
 */

/**
 * The sequence number ZooKeeper appended (`%010d` of the parent's cversion, a Java int: it may wrap
 * negative past 2^31), or null. Read as contract/layouts/sequence.ts reads it (zk/ cannot import it): the
 * last 10 digits, negative only after a '-' that follows the recipe's own separator (`n_-1000000000`,
 * `lock--2147483648`), or a '-' and 9 digits (`lock--000000001`). A lone '-' before the digits is the
 * recipe's separator: `lock-0000000005` is 5, not -5 (the old `(-?\d{10})$` read it as -5 and so ordered
 * `lock-` contenders backwards).
 */
export function sequenceOf(name: string): number | null {
  const m = /(\d+)$/.exec(name);
  if (!m) return null;
  const run = m[1]!.length;
  const at = name.length - Math.min(run, 10);
  const value = Number(name.slice(at));
  const sep = (c: string | undefined) => c === '-' || c === '_';
  if (run >= 10) return run === 10 && name[at - 1] === '-' && sep(name[at - 2]) ? -value : value;
  return run === 9 && name[at - 1] === '-' ? -value : null;
}

/** Candidates in election order; names without a sequence suffix are not candidates. */
export function orderCandidates(children: readonly string[]): string[] {
  return children
    .filter((c) => sequenceOf(c) !== null)
    .sort((a, b) => sequenceOf(a)! - sequenceOf(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

export type Position = { kind: 'leader' } | { kind: 'follower'; watch: string } | { kind: 'absent' };

/** Where `mine` stands among `children`: leading, following (and whom to watch), or gone. */
export function positionOf(children: readonly string[], mine: string): Position {
  const ordered = orderCandidates(children);
  const i = ordered.indexOf(mine);
  if (i < 0) return { kind: 'absent' };
  if (i === 0) return { kind: 'leader' };
  return { kind: 'follower', watch: ordered[i - 1]! };
}
