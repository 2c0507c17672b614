/**
 * Dashboards as code: the committed JSON in dashboards/generated/ is exactly what the TypeScript
 * generates (run `zkpulse dashboards` after changing dashboards/*.ts), every target is a raw InfluxQL
 * query on the provisioned datasource, and Grafana's macro expansion used by the integration test
 * escapes variable values the way Grafana does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { DEFAULT_DASHBOARDS_DIR, runDashboards, staleDashboards } from '../../cli/dashboards.ts';
import { buildDashboards, dashboardQueries, renderDashboards } from '../../dashboards/index.ts';
import { expandGrafanaQuery } from '../../dashboards/grafana-macros.ts';
import { CONFIG_CHANGED_ANNOTATION } from '../../dashboards/annotations.ts';

test('the committed dashboards equal what the code generates', (t) => {
  for (const [file, text] of Object.entries(renderDashboards())) {
    const committed = readFileSync(join(DEFAULT_DASHBOARDS_DIR, file), 'utf8');
    t.is(committed, text, `dashboards/generated/${file} is stale: run \`npx zkpulse dashboards\``);
  }
  t.deepEqual(staleDashboards(DEFAULT_DASHBOARDS_DIR), []);
});

test('--check notices a changed file; writing puts it back', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkpulse-dash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  t.is(runDashboards({ out: dir, check: false }, (l) => lines.push(l)), 0);
  t.is(runDashboards({ out: dir, check: true }, (l) => lines.push(l)), 0);
  writeFileSync(join(dir, 'tasks.json'), '{}\n');
  t.is(runDashboards({ out: dir, check: true }, (l) => lines.push(l)), 1);
  t.true(lines.some((l) => /out of date: .*tasks\.json/.test(l)));
});

test('every target is raw InfluxQL on the provisioned InfluxDB; per-cluster queries use $cluster and $timeFilter', (t) => {
  const datasource = parse(readFileSync('dashboards/provisioning/datasources/influxdb.yaml', 'utf8')) as { datasources: { uid: string; type: string; url: string; jsonData: { dbName: string; version: string } }[] };
  const ds = datasource.datasources[0]!;
  t.like(ds, { type: 'influxdb', url: 'http://influxdb:8086', jsonData: { dbName: 'zkpulse', version: 'InfluxQL' } });
  const dashboards = buildDashboards();
  t.deepEqual(Object.values(dashboards).map((d) => d.title), ['zkpulse / Cluster overview', 'zkpulse / Tasks', 'zkpulse / Collector health', 'zkpulse / Ensemble']);
  let targets = 0;
  for (const [file, d] of Object.entries(dashboards)) {
    for (const panel of d.panels ?? []) {
      if (!('targets' in panel)) continue;
      for (const target of panel.targets ?? []) {
        targets++;
        t.like(target as object, { rawQuery: true, datasource: { type: 'influxdb', uid: ds.uid } }, `${file}: ${panel.title}`);
      }
    }
    // a dashboard without the $cluster variable (the collector's own) shows every cluster
    const perCluster = d.templating?.list?.some((v) => v.name === 'cluster') === true;
    for (const q of dashboardQueries(file, d)) {
      if (q.where.startsWith('variable') || !perCluster) continue;
      if (/FROM "(worker|cluster|master|progress|event|alert|lock|config)"/.test(q.query)) t.regex(q.query, /"cluster" =~ \/\^\$cluster\$\//, `${file}: ${q.where}`);
      if (/FROM "zookeeper"/.test(q.query)) t.regex(q.query, /"ensemble" =~ \/\^\$ensemble\$\/ AND .*\$timeFilter/, `${file}: ${q.where}`);
    }
  }
  t.true(targets >= 20);
  const overview = dashboards['cluster-overview.json']!;
  t.is(overview.templating?.list?.[0]?.query, 'SHOW TAG VALUES FROM "cluster" WITH KEY = "cluster"');
  t.deepEqual(overview.annotations?.list?.map((a) => a.name), ['Alerts', 'Membership events', 'Config changes']);
  const types = new Set(Object.values(dashboards).flatMap((d) => (d.panels ?? []).map((p) => p.type)));
  for (const type of ['stat', 'timeseries', 'state-timeline', 'bargauge', 'table', 'histogram']) t.true(types.has(type), type);
});

test('every dashboard carries the ConfigChanged annotation, from the event measurement, per cluster where it has $cluster', (t) => {
  const dashboards = buildDashboards();
  for (const [file, d] of Object.entries(dashboards)) {
    const annotation = d.annotations?.list?.find((a) => a.name === CONFIG_CHANGED_ANNOTATION);
    t.truthy(annotation, `${file} has no ${CONFIG_CHANGED_ANNOTATION} annotation`);
    const target = annotation?.target as { query?: string; textColumn?: string; tagsColumn?: string } | undefined;
    t.regex(target?.query ?? '', /FROM "event" WHERE .*"kind" = 'ConfigChanged' AND \$timeFilter/, file);
    t.is(target?.textColumn, 'text', file);
    t.true((target?.tagsColumn ?? '').split(',').includes('subject'), `${file}: the key (subject) is a tag`);
    const perCluster = d.templating?.list?.some((v) => v.name === 'cluster') === true;
    t.is(/"cluster" =~ \/\^\$cluster\$\//.test(target?.query ?? ''), perCluster, `${file}: per cluster exactly where the dashboard has $cluster`);
    t.true(perCluster || (target?.tagsColumn ?? '').split(',').includes('cluster'), `${file}: without $cluster the cluster is a tag`);
  }
  t.true(Object.keys(dashboards).length >= 3);
});

test('the cluster overview has a Locks row: holders and waiters over time per lock, a hold-time histogram, the locks now', (t) => {
  const panels = buildDashboards()['cluster-overview.json']!.panels ?? [];
  const rowAt = panels.findIndex((p) => p.type === 'row' && p.title === 'Locks');
  t.true(rowAt >= 0);
  const locks = panels.slice(rowAt + 1).filter((p) => p.type !== 'row');
  const byTitle = new Map(locks.map((p) => [p.title, p]));
  const queryOf = (title: string) => ((byTitle.get(title) as { targets?: { query?: string }[] } | undefined)?.targets?.[0]?.query ?? '');
  t.is(byTitle.get('Lock holders')?.type, 'state-timeline');
  t.regex(queryOf('Lock holders'), /SELECT last\("holder"\) FROM "lock" .*GROUP BY time\(\$__interval\), "lock"/);
  t.is(byTitle.get('Lock waiters')?.type, 'timeseries');
  t.regex(queryOf('Lock waiters'), /SELECT last\("waiters"\) FROM "lock" .*GROUP BY time\(\$__interval\), "lock"/);
  t.is(byTitle.get('Lock hold times')?.type, 'histogram');
  t.regex(queryOf('Lock hold times'), /SELECT "held_ms" FROM "lock" WHERE/);
  t.regex(queryOf('Locks now'), /last\("holder"\).*last\("waiters"\).*last\("held_ms"\).* FROM "lock" .*GROUP BY "lock"/);
});

test('Ensemble: the zookeeper measurement per server, the $ensemble variable, every field of the issue', (t) => {
  const d = buildDashboards()['ensemble.json']!;
  t.is(d.uid, 'zkpulse-ensemble');
  t.is(d.templating?.list?.[0]?.name, 'ensemble');
  t.is(d.templating?.list?.[0]?.query, 'SHOW TAG VALUES FROM "zookeeper" WITH KEY = "ensemble"');
  // the panels' queries (the variable's is above; the Config changes annotation is every dashboard's, tested above)
  const queries = dashboardQueries('ensemble.json', d).filter((q) => !q.where.startsWith('variable') && !q.where.startsWith('annotation'));
  t.true(queries.length >= 10);
  for (const q of queries) t.regex(q.query, /FROM "zookeeper"/, q.where);
  const all = queries.map((q) => q.query).join('\n');
  for (const field of ['serving', 'mode', 'avg_latency', 'outstanding_requests', 'znode_count', 'watch_count', 'num_alive_connections', 'open_file_descriptor_count', 'max_file_descriptor_count', 'synced_followers']) {
    t.true(all.includes(`"${field}"`), field);
  }
  for (const q of queries) if (!q.where.startsWith('Serving') && !q.where.startsWith('Mode')) t.regex(q.query, /GROUP BY time\(\$__interval\), "server"/, q.where);
  t.deepEqual(Object.keys(renderDashboards()).sort(), ['cluster-overview.json', 'collector-health.json', 'ensemble.json', 'tasks.json']);
});

test('the dashboard provider points at the folder the compose file mounts the generated JSON into', (t) => {
  const provider = parse(readFileSync('dashboards/provisioning/dashboards/zkpulse.yaml', 'utf8')) as { providers: { type: string; options: { path: string } }[] };
  t.is(provider.providers[0]?.type, 'file');
  const compose = readFileSync('docker-compose.yml', 'utf8');
  t.true(compose.includes(`./dashboards/generated:${provider.providers[0]?.options.path}`));
});

test('Grafana macros and variables expand like Grafana does', (t) => {
  const ctx = { range: '1h', interval: '10s', variables: { cluster: 'a.b/c' } };
  t.is(
    expandGrafanaQuery(`SELECT last("up") FROM "worker" WHERE "cluster" =~ /^$cluster$/ AND $timeFilter GROUP BY time($__interval)`, ctx),
    `SELECT last("up") FROM "worker" WHERE "cluster" =~ /^a\\.b\\/c$/ AND time >= now() - 1h and time <= now() GROUP BY time(10s)`,
  );
  t.is(expandGrafanaQuery(`WHERE "cluster" = '$cluster'`, { ...ctx, variables: { cluster: "it's" } }), `WHERE "cluster" = 'it\\'s'`);
  t.is(expandGrafanaQuery('$unknown stays', ctx), '$unknown stays');
});
