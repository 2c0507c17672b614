/**
 * "zkpulse / Cluster overview": who is master now and in which epoch, how often it changed, the
 * candidates, workers up over time, every worker's up/down state, heartbeat ages, the locks (holders and
 * waiters over time, hold times); alerts, membership events and configuration changes as annotations.
 */
import { BigValueColorMode, BigValueGraphMode, BigValueTextMode, LegendDisplayMode, LegendPlacement, LineInterpolation, ReduceDataOptionsBuilder, VisibilityMode, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { AnnotationQueryBuilder, DashboardBuilder, DashboardCursorSync, MappingType, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as HistogramPanel } from '@grafana/grafana-foundation-sdk/histogram';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { configChangedAnnotation } from './annotations.ts';
import { DASHBOARD_TAGS, NO_MASTER, UP_DOWN, thresholds } from './common.ts';
import { CLUSTER_FILTER, INFLUX_DATASOURCE, clusterVariable, influx } from './influx.ts';

export const CLUSTER_OVERVIEW_UID = 'zkpulse-cluster-overview';

const lastValue = (fields = '') => new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields(fields);

function stat(title: string, query: string, fields = ''): StatPanel {
  return new StatPanel()
    .title(title)
    .datasource(INFLUX_DATASOURCE)
    .withTarget(influx(query))
    .reduceOptions(lastValue(fields))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value)
    .textMode(BigValueTextMode.Value)
    .span(4)
    .height(4);
}

export function clusterOverviewDashboard(): Dashboard {
  return new DashboardBuilder('zkpulse / Cluster overview')
    .uid(CLUSTER_OVERVIEW_UID)
    .tags(DASHBOARD_TAGS)
    .description('Master, election, workers and heartbeats of one cluster watched by zkpulse')
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(clusterVariable())
    .annotation(
      new AnnotationQueryBuilder()
        .name('Alerts')
        .datasource(INFLUX_DATASOURCE)
        .enable(true)
        .iconColor('red')
        .target(influx(`SELECT "state", "alertname" FROM "alert" WHERE ${CLUSTER_FILTER} AND $timeFilter`, 'Alerts').annotation({ text: 'state', tags: 'alertname' })),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name('Membership events')
        .datasource(INFLUX_DATASOURCE)
        .enable(true)
        .iconColor('orange')
        .target(
          influx(
            `SELECT "text", "kind" FROM "event" WHERE ${CLUSTER_FILTER} AND "kind" =~ /^(WorkerLeft|MasterElected|MasterLost|DataInvalid)$/ AND $timeFilter`,
            'Events',
          ).annotation({ text: 'text', tags: 'kind' }),
        ),
    )
    .annotation(configChangedAnnotation(true))
    .withRow(new RowBuilder('Master'))
    // master points are written at each change only: no $timeFilter, so a master elected long ago still shows
    .withPanel(stat('Master now', `SELECT last("id") AS "master" FROM "master" WHERE ${CLUSTER_FILTER}`, '/^master$/').mappings(NO_MASTER))
    .withPanel(stat('Epoch (czxid of the master node)', `SELECT last("epoch") AS "epoch" FROM "master" WHERE ${CLUSTER_FILTER}`).decimals(0).unit('none'))
    .withPanel(
      stat('Master elections in range', `SELECT count("text") AS "elections" FROM "event" WHERE ${CLUSTER_FILTER} AND "kind" = 'MasterElected' AND $timeFilter`)
        .description('Each MasterElected event; more than one in the range means a failover')
        .thresholds(thresholds([null, 'green'], [2, 'orange'], [4, 'red'])),
    )
    .withPanel(stat('Candidates', `SELECT last("candidates") AS "candidates" FROM "cluster" WHERE ${CLUSTER_FILTER} AND $timeFilter`).thresholds(thresholds([null, 'red'], [2, 'green'])))
    .withPanel(stat('Workers up', `SELECT last("workers") AS "workers" FROM "cluster" WHERE ${CLUSTER_FILTER} AND $timeFilter`).thresholds(thresholds([null, 'red'], [1, 'green'])))
    .withPanel(
      stat('Master present', `SELECT last("master_present") AS "present" FROM "cluster" WHERE ${CLUSTER_FILTER} AND $timeFilter`).mappings([
        { type: MappingType.ValueToText, options: { '1': { text: 'yes', color: 'green', index: 0 }, '0': { text: 'NO', color: 'red', index: 1 } } },
      ]),
    )
    .withRow(new RowBuilder('Workers'))
    .withPanel(
      new TimeSeriesPanel()
        .title('Workers up, candidates, master present')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(
          influx(
            `SELECT last("workers") AS "workers up", last("candidates") AS "candidates", last("master_present") AS "master present" FROM "cluster" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY time($__interval) fill(previous)`,
          ),
        )
        .lineInterpolation(LineInterpolation.StepAfter)
        .min(0)
        .decimals(0)
        .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
        .span(24)
        .height(8),
    )
    .withPanel(
      new StateTimelinePanel()
        .title('Worker up/down')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("up") FROM "worker" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY time($__interval), "worker" fill(previous)`).alias('$tag_worker'))
        .mappings(UP_DOWN)
        .showValue(VisibilityMode.Never)
        .mergeValues(true)
        .span(24)
        .height(10),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('Heartbeat age')
        .description('Time since each live worker last rewrote its znode')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(
          influx(`SELECT max("beat_age_ms") FROM "worker" WHERE ${CLUSTER_FILTER} AND "up" = 1 AND $timeFilter GROUP BY time($__interval), "worker" fill(none)`).alias('$tag_worker'),
        )
        .unit('ms')
        .min(0)
        .thresholds(thresholds([null, 'green'], [5000, 'orange'], [15000, 'red']))
        .span(12)
        .height(8),
    )
    .withPanel(
      new TablePanel()
        .title('Recent events')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT "kind", "subject", "text" FROM "event" WHERE ${CLUSTER_FILTER} AND "kind" != 'HeartbeatSeen' AND $timeFilter ORDER BY time DESC LIMIT 200`).table())
        .span(12)
        .height(8),
    )
    .withRow(new RowBuilder('Locks'))
    .withPanel(
      new StateTimelinePanel()
        .title('Lock holders')
        .description('Who holds each lock (the contender node of its first holder), over time')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("holder") FROM "lock" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY time($__interval), "lock" fill(previous)`).alias('$tag_lock'))
        .showValue(VisibilityMode.Auto)
        .mergeValues(true)
        .span(12)
        .height(8),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('Lock waiters')
        .description('Contenders waiting on each lock; LockContention fires at 5 (by default) for a minute')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("waiters") FROM "lock" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY time($__interval), "lock" fill(previous)`).alias('$tag_lock'))
        .lineInterpolation(LineInterpolation.StepAfter)
        .min(0)
        .decimals(0)
        .thresholds(thresholds([null, 'green'], [5, 'orange']))
        .span(12)
        .height(8),
    )
    .withPanel(
      new HistogramPanel()
        .title('Lock hold times')
        .description('Distribution of the held_ms of the lock points in range (how long the holder had held when each was written)')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT "held_ms" FROM "lock" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY "lock"`).alias('$tag_lock'))
        .unit('ms')
        .combine(true)
        .span(12)
        .height(8),
    )
    .withPanel(
      new TablePanel()
        .title('Locks now')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(
          influx(`SELECT last("holder") AS "holder", last("waiters") AS "waiters", last("held_ms") AS "held ms" FROM "lock" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY "lock"`).table(),
        )
        .span(12)
        .height(8),
    )
    .build();
}
