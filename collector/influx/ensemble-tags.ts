/**
 * The `ensemble` tag of the points of a cluster on a named ensemble (`clusters.<name>.ensemble`, docs/contract.md
 * §10): the same cluster name could be read on two ensembles by two configs, and a dashboard filters by it.
 * Clusters on `default` keep their points exactly as before (no tag), so existing series and dashboards do not
 * change. Pure.
 */
import type { Point } from './line-protocol.ts';

/** `points` with `ensemble=<name>` added to each whose `cluster` tag is in `ensembleOf` (and has no ensemble tag yet). */
export function withEnsembleTags(points: Point[], ensembleOf: ReadonlyMap<string, string>): Point[] {
  if (ensembleOf.size === 0) return points;
  let out: Point[] | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point;
    const cluster = p.tags.cluster;
    const ensemble = cluster === undefined ? undefined : ensembleOf.get(cluster);
    if (ensemble === undefined || p.tags.ensemble !== undefined) continue;
    out ??= points.slice();
    out[i] = { ...p, tags: { ...p.tags, ensemble } };
  }
  return out ?? points;
}
