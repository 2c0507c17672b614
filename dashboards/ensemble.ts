/**
 * "zkpulse / Ensemble": ZooKeeper's own servers, from the `zookeeper` measurement (docs/contract.md §10):
 * which servers are up and serving and in what mode, then per server latency, outstanding requests, znodes,
 * watches, connections, file descriptors, and the leader's synced followers. One `$ensemble` at a time.
 */
import { BigValueGraphMode, ReduceDataOptionsBuilder, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  MappingType,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { configChangedAnnotation } from './annotations.ts';
import { DASHBOARD_TAGS, thresholds } from './common.ts';
import { INFLUX_DATASOURCE, influx } from './influx.ts';

export const ENSEMBLE_UID = 'zkpulse-ensemble';

/** `"ensemble" =~ /^$ensemble$/`: the tag filter of every query of this dashboard. */
export const ENSEMBLE_FILTER = `"ensemble" =~ /^$ensemble$/`;
export const ENSEMBLE_VARIABLE_QUERY = 'SHOW TAG VALUES FROM "zookeeper" WITH KEY = "ensemble"';

const SERVING: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      '1': { text: 'serving', color: 'green', index: 0 },
      '0': { text: 'not serving', color: 'red', index: 1 },
    },
  },
];

const MODE: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      leader: { text: 'leader', color: 'blue', index: 0 },
      follower: { text: 'follower', color: 'green', index: 1 },
      observer: { text: 'observer', color: 'purple', index: 2 },
      standalone: { text: 'standalone', color: 'green', index: 3 },
      '': { text: 'unknown', color: 'red', index: 4 },
    },
  },
];

function ensembleVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('ensemble')
    .label('Ensemble')
    .datasource(INFLUX_DATASOURCE)
    .query(ENSEMBLE_VARIABLE_QUERY)
    .definition(ENSEMBLE_VARIABLE_QUERY)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
}

const perServer = `WHERE ${ENSEMBLE_FILTER} AND $timeFilter GROUP BY time($__interval), "server" fill(none)`;

/** One time series per server of `SELECT <agg>("field")`. */
function perServerSeries(title: string, select: string, unit?: string) {
  const panel = new TimeSeriesPanel()
    .title(title)
    .datasource(INFLUX_DATASOURCE)
    .withTarget(influx(`SELECT ${select} FROM "zookeeper" ${perServer}`).alias('$tag_server'))
    .min(0)
    .span(12)
    .height(8);
  return unit === undefined ? panel : panel.unit(unit);
}

export function ensembleDashboard(): Dashboard {
  return new DashboardBuilder('zkpulse / Ensemble')
    .uid(ENSEMBLE_UID)
    .tags(DASHBOARD_TAGS)
    .description("ZooKeeper's own servers: up, serving and mode, latency, queues, znodes, watches, connections, file descriptors")
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    // no $cluster here (an ensemble carries every cluster): every cluster's changes, tagged with the cluster
    .annotation(configChangedAnnotation(false))
    .withVariable(ensembleVariable())
    .withRow(new RowBuilder('Servers now'))
    .withPanel(
      new StatPanel()
        .title('Serving')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("serving") FROM "zookeeper" WHERE ${ENSEMBLE_FILTER} AND $timeFilter GROUP BY "server"`).alias('$tag_server'))
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .mappings(SERVING)
        .graphMode(BigValueGraphMode.None)
        .span(12)
        .height(4),
    )
    .withPanel(
      new StatPanel()
        .title('Mode')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("mode") FROM "zookeeper" WHERE ${ENSEMBLE_FILTER} AND $timeFilter GROUP BY "server"`).alias('$tag_server'))
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('/.*/'))
        .mappings(MODE)
        .graphMode(BigValueGraphMode.None)
        .span(12)
        .height(4),
    )
    .withRow(new RowBuilder('Over time'))
    .withPanel(
      new StateTimelinePanel()
        .title('Server up / serving')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("serving") FROM "zookeeper" ${perServer.replace('fill(none)', 'fill(previous)')}`).alias('$tag_server'))
        .mappings(SERVING)
        .showValue(VisibilityMode.Never)
        .mergeValues(true)
        .span(12)
        .height(8),
    )
    .withPanel(
      new StateTimelinePanel()
        .title('Server mode')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("mode") FROM "zookeeper" ${perServer.replace('fill(none)', 'fill(previous)')}`).alias('$tag_server'))
        .mappings(MODE)
        .showValue(VisibilityMode.Auto)
        .mergeValues(true)
        .span(12)
        .height(8),
    )
    .withPanel(
      perServerSeries('Average latency', 'mean("avg_latency")', 'ms').thresholds(thresholds([null, 'green'], [100, 'red'])),
    )
    .withPanel(perServerSeries('Outstanding requests', 'max("outstanding_requests")').decimals(0))
    .withPanel(perServerSeries('Znodes', 'last("znode_count")').decimals(0))
    .withPanel(perServerSeries('Watches', 'last("watch_count")').decimals(0))
    .withPanel(perServerSeries('Client connections', 'last("num_alive_connections")').decimals(0))
    .withPanel(
      perServerSeries('Open file descriptors (% of max)', '100 * last("open_file_descriptor_count") / last("max_file_descriptor_count")', 'percent')
        .max(100)
        .thresholds(thresholds([null, 'green'], [80, 'red'])),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('Followers synced (leader)')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(
          influx(`SELECT last("synced_followers") AS "synced followers", last("learners") AS "learners" FROM "zookeeper" WHERE ${ENSEMBLE_FILTER} AND "mode" = 'leader' AND $timeFilter GROUP BY time($__interval), "server" fill(none)`).alias(
            '$tag_server $col',
          ),
        )
        .min(0)
        .decimals(0)
        .span(12)
        .height(8),
    )
    .build();
}
