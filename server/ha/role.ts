/**
 * The collector's role in a high-availability group, as a pure function of the election's state.
 * Only `leader` is active: `suspended` (connection dropped) is not, because by the time the session
 * is found expired another collector may already be active — pausing early is what keeps two
 * collectors from notifying at once (see docs/ha.md).
 */
import type { LeadershipState } from '../../zk/election.ts';

export type CollectorRole = 'active' | 'standby';

export function roleOf(leadership: LeadershipState | null): CollectorRole {
  return leadership === 'leader' ? 'active' : 'standby';
}
