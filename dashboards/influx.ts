/**
 * InfluxDB (InfluxQL) pieces the foundation SDK does not ship: a raw-query target, the provisioned
 * datasource reference and the `cluster` template variable. Queries use Grafana's `$timeFilter`,
 * `$__interval` and `$cluster` (docs/contract.md §4).
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';

/** The datasource of dashboards/provisioning/datasources/influxdb.yaml (same uid). */
export const INFLUX_DATASOURCE: DataSourceRef = { type: 'influxdb', uid: 'zkpulse-influxdb' };

/** `"cluster" =~ /^$cluster$/`: the tag filter every per-cluster query starts with. */
export const CLUSTER_FILTER = `"cluster" =~ /^$cluster$/`;

export interface InfluxQuery extends Dataquery {
  refId?: string;
  hide?: boolean;
  datasource: DataSourceRef;
  /** raw InfluxQL */
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  /** series name, e.g. `$tag_worker` */
  alias?: string;
  /** annotation targets only: which columns hold the text and tags */
  fromAnnotations?: boolean;
  textColumn?: string;
  tagsColumn?: string;
}

/** A raw InfluxQL target (`rawQuery: true`). */
export class InfluxQueryBuilder implements Builder<Dataquery> {
  private readonly internal: InfluxQuery;

  constructor(query: string) {
    this.internal = {
      datasource: INFLUX_DATASOURCE,
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      _implementsDataqueryVariant() {},
    };
  }

  build(): InfluxQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }

  table(): this {
    this.internal.resultFormat = 'table';
    return this;
  }

  annotation(columns: { text: string; tags?: string }): this {
    this.internal.fromAnnotations = true;
    this.internal.textColumn = columns.text;
    if (columns.tags) this.internal.tagsColumn = columns.tags;
    return this;
  }
}

export const influx = (query: string, refId = 'A') => new InfluxQueryBuilder(query).refId(refId);

/** Template variable `cluster`: every value of the `cluster` tag of the `cluster` measurement. */
export const CLUSTER_VARIABLE_QUERY = 'SHOW TAG VALUES FROM "cluster" WITH KEY = "cluster"';

export function clusterVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('cluster')
    .label('Cluster')
    .datasource(INFLUX_DATASOURCE)
    .query(CLUSTER_VARIABLE_QUERY)
    .definition(CLUSTER_VARIABLE_QUERY)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
}
