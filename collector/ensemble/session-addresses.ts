/**
 * Who is behind a session: the client address an ensemble's servers list for it (`cons` /
 * `/commands/connections`), for the alerts' annotations (LockHeldTooLong's `client_address`). Pure.
 */
import type { EnsembleSnapshot } from './types.ts';

const DEFAULT_ENSEMBLE = 'default';

/**
 * `(cluster, session) → address | null` over the latest polls: a cluster's ensemble from `clusterEnsembles`
 * (absent: `default`), its newest poll's connections by session id (16 hex digits, as ZnodeStat.ephemeralOwner).
 */
export function sessionAddresses(
  snapshots: readonly EnsembleSnapshot[],
  clusterEnsembles?: ReadonlyMap<string, string>,
): (cluster: string, session: string) => string | null {
  const newest = new Map<string, EnsembleSnapshot>();
  for (const s of snapshots) {
    const known = newest.get(s.ensemble);
    if (known === undefined || known.time < s.time) newest.set(s.ensemble, s);
  }
  const bySession = new Map<string, Map<string, string>>();
  const of = (ensemble: string): Map<string, string> => {
    let map = bySession.get(ensemble);
    if (map === undefined) {
      map = new Map((newest.get(ensemble)?.connections ?? []).map((c) => [c.session.toLowerCase(), c.address]));
      bySession.set(ensemble, map);
    }
    return map;
  };
  return (cluster, session) => of(clusterEnsembles?.get(cluster) ?? DEFAULT_ENSEMBLE).get(session.toLowerCase()) ?? null;
}
