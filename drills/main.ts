/**
 * `npm run drills [-- --short] [--only id,id]`: the fault drills on real processes (collector,
 * agents, private ZooKeeper / InfluxDB), one after the other; prints a table and exits 1 when one failed.
 */
import { Command } from 'commander';
import { DRILLS } from './registry.ts';
import { formatResults, runDrill } from './run.ts';
import type { DrillResult } from './types.ts';

const program = new Command('drills')
  .description('automated fault drills: each asserts nothing lost and no false alert')
  .option('--short', 'the short forms (shorter outages, same checks), as CI runs them')
  .option('--only <ids>', `comma-separated drill ids (${DRILLS.map((d) => d.id).join(', ')})`)
  .option('--list', 'list the drills and exit')
  .parse(process.argv);

const o = program.opts<{ short?: boolean; only?: string; list?: boolean }>();
if (o.list) {
  for (const d of DRILLS) console.log(`${d.id.padEnd(20)} ${d.fault}`);
  process.exit(0);
}
const wanted = o.only?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = wanted?.filter((id) => !DRILLS.some((d) => d.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`--only: unknown drill ${unknown.join(', ')} (drills: ${DRILLS.map((d) => d.id).join(', ')})`);
  process.exit(2);
}
const selected = wanted ? DRILLS.filter((d) => wanted.includes(d.id)) : DRILLS;

const results: DrillResult[] = [];
for (const drill of selected) {
  console.log(`\n▶ ${drill.id}: ${drill.fault}${o.short ? ' (short)' : ''}`);
  const result = await runDrill(drill, o.short === true, (line) => console.log(`  ${line}`));
  console.log(`  ${result.ok ? 'PASS' : 'FAIL'} in ${(result.ms / 1000).toFixed(1)} s`);
  results.push(result);
}
console.log(`\n${formatResults(results)}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
