/**
 * The election recipe's pure part: candidates `n_<seq>` ordered by their sequence number; the
 * lowest leads, every other one watches only the candidate just before it (no herd effect).
 */

/** The sequence number ZooKeeper appended (10 digits, may wrap negative past 2^31), or null. */
export function sequenceOf(name: string): number | null {
  const m = /(-?\d{10})$/.exec(name);
  return m ? Number(m[1]) : null;
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
