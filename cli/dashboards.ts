/**
 * `zkpulse dashboards [--out dir] [--check]`: writes the Grafana dashboards (dashboards/*.ts) as JSON,
 * by default into dashboards/generated/ where the provisioning config expects them. With --check it
 * writes nothing and exits 1 when the files on disk differ from what the code generates.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDashboards } from '../dashboards/index.ts';
import { PACKAGE_ROOT } from './package-root.ts';

export const DEFAULT_DASHBOARDS_DIR = join(PACKAGE_ROOT, 'dashboards', 'generated');

export interface DashboardsOptions {
  out: string;
  check: boolean;
}

/** Files under `out` whose content differs from the generated one (missing files included). */
export function staleDashboards(out: string): string[] {
  return Object.entries(renderDashboards())
    .filter(([file, text]) => {
      try {
        return readFileSync(join(out, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

export function runDashboards(opts: DashboardsOptions, say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  if (opts.check) {
    const stale = staleDashboards(opts.out);
    for (const file of stale) say(`out of date: ${join(opts.out, file)} (run \`zkpulse dashboards\`)`);
    if (stale.length === 0) say(`dashboards in ${opts.out} are up to date`);
    return stale.length === 0 ? 0 : 1;
  }
  mkdirSync(opts.out, { recursive: true });
  for (const [file, text] of Object.entries(renderDashboards())) {
    writeFileSync(join(opts.out, file), text);
    say(`wrote ${join(opts.out, file)}`);
  }
  return 0;
}
