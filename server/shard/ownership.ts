/**
 * Who owns what in `haMode: shard`, pure: rendezvous (highest-random-weight) hashing of each unit over
 * the READY live members of the group. Every member computes the same answer from the same member list,
 * and a join or a leave moves only the units whose top ranks change (about 1/n of them).
 *
 * Units are what needs exactly one acting collector: every configured cluster, and `ensemble:<name>`
 * for each polled ensemble (the ZooKeeper* rules judge per ensemble; their notices need one owner too).
 */
import { createHash } from 'node:crypto';

/** the unit of an ensemble's ZooKeeper* alerts */
export const ENSEMBLE_UNIT_PREFIX = 'ensemble:';

export function ensembleUnit(ensemble: string): string {
  return `${ENSEMBLE_UNIT_PREFIX}${ensemble}`;
}

/** Every unit of a config: its clusters and its polled ensembles (sorted, so all members agree). */
export function unitsOf(clusters: Iterable<string>, ensembles: Iterable<string>): string[] {
  return [...new Set([...clusters, ...[...ensembles].map(ensembleUnit)])].sort();
}

/** The unit an alert belongs to: its cluster, else its ensemble; null for neither (collector-level). */
export function unitOfLabels(labels: Readonly<Record<string, string>>): string | null {
  if (labels.cluster) return labels.cluster;
  if (labels.ensemble) return ensembleUnit(labels.ensemble);
  return null;
}

/** A stable 64-bit score of (member, unit): sha256's first 8 bytes. Same on every member and every run. */
export function score(member: string, unit: string): bigint {
  return createHash('sha256').update(`${member}\n${unit}`).digest().readBigUInt64BE(0);
}

/** The members ranked for a unit, best first (ties, practically impossible, broken by name). */
export function rank(unit: string, members: Iterable<string>): string[] {
  const scored = [...new Set(members)].map((m) => ({ m, s: score(m, unit) }));
  scored.sort((a, b) => (a.s === b.s ? (a.m < b.m ? -1 : 1) : a.s > b.s ? -1 : 1));
  return scored.map((x) => x.m);
}

export interface Assignment {
  /** unit → the member that should act for it (rank 0); absent when no member is ready */
  owner: Map<string, string>;
  /** unit → the members that keep it warm to take it over next (ranks 1..replicas) */
  replicas: Map<string, string[]>;
}

/** The wanted owner and warm replicas of every unit. */
export function assign(units: Iterable<string>, members: Iterable<string>, replicas: number): Assignment {
  const list = [...new Set(members)];
  const owner = new Map<string, string>();
  const reps = new Map<string, string[]>();
  for (const unit of units) {
    const ranked = rank(unit, list);
    if (ranked.length === 0) continue;
    owner.set(unit, ranked[0]!);
    reps.set(unit, ranked.slice(1, 1 + replicas));
  }
  return { owner, replicas: reps };
}

/** The units `self` should own and the ones it should keep warm, among `members` (self counted in). */
export function shareOf(self: string, units: Iterable<string>, members: Iterable<string>, replicas: number): { owned: Set<string>; warm: Set<string> } {
  const { owner, replicas: reps } = assign(units, new Set([...members, self]), replicas);
  const owned = new Set<string>();
  const warm = new Set<string>();
  for (const [unit, o] of owner) {
    if (o === self) owned.add(unit);
    else if (reps.get(unit)?.includes(self)) warm.add(unit);
  }
  return { owned, warm };
}
