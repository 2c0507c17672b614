/**
 * "zkpulse / Collector health": the collector's own `collector` measurement — events per second,
 * event lag, InfluxDB write errors and dropped points, ZooKeeper session state — per instance.
 */
import { BigValueGraphMode, LineInterpolation, ReduceDataOptionsBuilder, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { configChangedAnnotation } from './annotations.ts';
import { CONNECTED, DASHBOARD_TAGS, thresholds } from './common.ts';
import { INFLUX_DATASOURCE, influx } from './influx.ts';

export const COLLECTOR_HEALTH_UID = 'zkpulse-collector-health';

const perInstance = 'GROUP BY time($__interval), "instance"';

export function collectorHealthDashboard(): Dashboard {
  return new DashboardBuilder('zkpulse / Collector health')
    .uid(COLLECTOR_HEALTH_UID)
    .tags(DASHBOARD_TAGS)
    .description('Is the collector itself keeping up: events, lag, InfluxDB writes, ZooKeeper session')
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    // no $cluster here: every cluster's changes, tagged with the cluster
    .annotation(configChangedAnnotation(false))
    .withRow(new RowBuilder('Now'))
    .withPanel(
      new StatPanel()
        .title('ZooKeeper session')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("zk_connected") FROM "collector" WHERE $timeFilter GROUP BY "instance"`).alias('$tag_instance'))
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .mappings(CONNECTED)
        .graphMode(BigValueGraphMode.None)
        .span(8)
        .height(4),
    )
    .withPanel(
      new StatPanel()
        .title('Write errors / dropped points (total)')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("write_errors") AS "write errors", last("dropped_points") AS "dropped points" FROM "collector" WHERE $timeFilter ${perInstance} fill(none)`))
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .thresholds(thresholds([null, 'green'], [1, 'orange']))
        .graphMode(BigValueGraphMode.None)
        .span(16)
        .height(4),
    )
    .withRow(new RowBuilder('Over time'))
    .withPanel(
      new TimeSeriesPanel()
        .title('Domain events per second')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT non_negative_derivative(last("events"), 1s) FROM "collector" WHERE $timeFilter ${perInstance} fill(none)`).alias('$tag_instance'))
        .unit('ops')
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('Event lag (znode mtime → collector)')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT max("event_lag_ms") FROM "collector" WHERE $timeFilter ${perInstance} fill(none)`).alias('$tag_instance'))
        .unit('ms')
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('InfluxDB write errors and dropped points per interval')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(
          influx(
            `SELECT non_negative_difference(last("write_errors")) AS "write errors", non_negative_difference(last("dropped_points")) AS "dropped points" FROM "collector" WHERE $timeFilter ${perInstance} fill(none)`,
          ).alias('$tag_instance $col'),
        )
        .min(0)
        .decimals(0)
        .lineInterpolation(LineInterpolation.StepAfter)
        .span(12)
        .height(8),
    )
    .withPanel(
      new StateTimelinePanel()
        .title('ZooKeeper session state')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("zk_connected") FROM "collector" WHERE $timeFilter ${perInstance} fill(previous)`).alias('$tag_instance'))
        .mappings(CONNECTED)
        .showValue(VisibilityMode.Never)
        .mergeValues(true)
        .span(12)
        .height(8),
    )
    .build();
}
