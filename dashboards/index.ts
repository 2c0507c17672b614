/**
 * zkpulse's Grafana dashboards as code. `zkpulse dashboards` writes renderDashboards() to
 * dashboards/generated/, the JSON that Grafana's file provider loads (see dashboards/provisioning/).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { clusterOverviewDashboard } from './cluster-overview.ts';
import { collectorHealthDashboard } from './collector-health.ts';
import { ensembleDashboard } from './ensemble.ts';
import { tasksDashboard } from './tasks.ts';

export { INFLUX_DATASOURCE, CLUSTER_VARIABLE_QUERY } from './influx.ts';

/** File name (in the output folder) → dashboard. */
export function buildDashboards(): Record<string, Dashboard> {
  return {
    'cluster-overview.json': clusterOverviewDashboard(),
    'tasks.json': tasksDashboard(),
    'collector-health.json': collectorHealthDashboard(),
    'ensemble.json': ensembleDashboard(),
  };
}

/** File name → file text: 2-space JSON with a final newline, the same bytes on every run. */
export function renderDashboards(): Record<string, string> {
  return Object.fromEntries(Object.entries(buildDashboards()).map(([file, d]) => [file, `${JSON.stringify(d, null, 2)}\n`]));
}

export interface DashboardQuery {
  dashboard: string;
  /** panel title, `annotation: <name>` or `variable: <name>` */
  where: string;
  query: string;
}

/** Every InfluxQL query of a dashboard JSON: panel targets, annotations and template variables. */
export function dashboardQueries(file: string, d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const queryOf = (t: unknown) => (t && typeof t === 'object' && 'query' in t && typeof t.query === 'string' ? t.query : null);
  for (const panel of d.panels ?? []) {
    if (!('targets' in panel)) continue;
    for (const target of panel.targets ?? []) {
      const q = queryOf(target);
      if (q) out.push({ dashboard: file, where: panel.title ?? '(untitled)', query: q });
    }
  }
  for (const a of d.annotations?.list ?? []) {
    const q = queryOf(a.target);
    if (q) out.push({ dashboard: file, where: `annotation: ${a.name}`, query: q });
  }
  for (const v of d.templating?.list ?? []) {
    if (typeof v.query === 'string') out.push({ dashboard: file, where: `variable: ${v.name}`, query: v.query });
  }
  return out;
}
