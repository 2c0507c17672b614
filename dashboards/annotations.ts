/**
 * The annotation every zkpulse dashboard carries (docs/contract.md §9): each ConfigChanged, from the `event`
 * measurement (tags cluster, kind; fields subject = the key, text = what changed: version, bytes, digest, never
 * the data), so "what changed before it broke?" is answered on whichever dashboard one is looking at.
 */
import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLUSTER_FILTER, INFLUX_DATASOURCE, influx } from './influx.ts';

export const CONFIG_CHANGED_ANNOTATION = 'Config changes';

/**
 * `perCluster`: the dashboard has the `$cluster` variable and shows that cluster's changes; otherwise (the
 * collector's own dashboard) every cluster's, tagged with the cluster.
 */
export function configChangedAnnotation(perCluster: boolean): AnnotationQueryBuilder {
  const query = perCluster
    ? `SELECT "text", "subject" FROM "event" WHERE ${CLUSTER_FILTER} AND "kind" = 'ConfigChanged' AND $timeFilter`
    : `SELECT "text", "subject", "cluster" FROM "event" WHERE "kind" = 'ConfigChanged' AND $timeFilter`;
  return new AnnotationQueryBuilder()
    .name(CONFIG_CHANGED_ANNOTATION)
    .datasource(INFLUX_DATASOURCE)
    .enable(true)
    .iconColor('purple')
    .target(influx(query, 'ConfigChanged').annotation({ text: 'text', tags: perCluster ? 'subject' : 'cluster,subject' }));
}
