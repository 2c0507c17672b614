/**
 * "zkpulse / Tasks": progress of every task (bar gauge and over time), task counts, and the tasks
 * the alert rules call stalled (ProgressStalled) or orphaned (TaskOrphaned), from the `alert` measurement.
 */
import { BarGaugeDisplayMode, BigValueGraphMode, LineInterpolation, ReduceDataOptionsBuilder, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { configChangedAnnotation } from './annotations.ts';
import { DASHBOARD_TAGS, thresholds } from './common.ts';
import { CLUSTER_FILTER, INFLUX_DATASOURCE, clusterVariable, influx } from './influx.ts';

export const TASKS_UID = 'zkpulse-tasks';

const alertFilter = (alertname: string) => `${CLUSTER_FILTER} AND "alertname" = '${alertname}' AND $timeFilter`;

function alertPanels(title: string, alertname: string, description: string): [StatPanel, TablePanel] {
  return [
    new StatPanel()
      .title(`${title}: times fired in range`)
      .description(description)
      .datasource(INFLUX_DATASOURCE)
      .withTarget(influx(`SELECT count("firing") AS "fired" FROM "alert" WHERE ${alertFilter(alertname)} AND "firing" = 1`))
      .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .graphMode(BigValueGraphMode.None)
      .thresholds(thresholds([null, 'green'], [1, 'red']))
      .span(6)
      .height(6),
    new TablePanel()
      .title(`${title}: transitions`)
      .datasource(INFLUX_DATASOURCE)
      .withTarget(influx(`SELECT "state", "severity", "firing" FROM "alert" WHERE ${alertFilter(alertname)} ORDER BY time DESC LIMIT 100`).table())
      .span(6)
      .height(6),
  ];
}

export function tasksDashboard(): Dashboard {
  const [stalledStat, stalledTable] = alertPanels('Stalled tasks', 'ProgressStalled', 'ProgressStalled: a running task whose progress did not move for the configured time');
  const [orphanedStat, orphanedTable] = alertPanels('Orphaned tasks', 'TaskOrphaned', 'TaskOrphaned: a task assigned to a worker that is gone');
  return new DashboardBuilder('zkpulse / Tasks')
    .uid(TASKS_UID)
    .tags(DASHBOARD_TAGS)
    .description('Task progress reported in R/status/<task>, and stalled or orphaned tasks')
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(clusterVariable())
    .annotation(configChangedAnnotation(true))
    .withRow(new RowBuilder('Progress'))
    .withPanel(
      new BarGaugePanel()
        .title('Progress per task (latest)')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("ratio") FROM "progress" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY "task"`).alias('$tag_task'))
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .displayMode(BarGaugeDisplayMode.Gradient)
        .orientation(VizOrientation.Horizontal)
        .unit('percentunit')
        .min(0)
        .max(1)
        .thresholds(thresholds([null, 'blue'], [1, 'green']))
        .span(12)
        .height(12),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('Progress over time')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(influx(`SELECT last("ratio") FROM "progress" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY time($__interval), "task" fill(none)`).alias('$tag_task'))
        .unit('percentunit')
        .min(0)
        .max(1)
        .lineInterpolation(LineInterpolation.StepAfter)
        .span(12)
        .height(12),
    )
    .withPanel(
      new TimeSeriesPanel()
        .title('Tasks and running tasks')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(
          influx(`SELECT last("tasks") AS "tasks", last("tasks_running") AS "running" FROM "cluster" WHERE ${CLUSTER_FILTER} AND $timeFilter GROUP BY time($__interval) fill(previous)`),
        )
        .min(0)
        .decimals(0)
        .lineInterpolation(LineInterpolation.StepAfter)
        .span(24)
        .height(7),
    )
    .withRow(new RowBuilder('Stalled and orphaned'))
    .withPanel(stalledStat)
    .withPanel(stalledTable)
    .withPanel(orphanedStat)
    .withPanel(orphanedTable)
    .build();
}
