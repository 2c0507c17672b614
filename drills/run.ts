/** Runs drills one after the other and prints the table: drill, result, what was checked, time. */
import type { Drill, DrillResult } from './types.ts';
import { DrillFailure } from './types.ts';

export async function runDrill(drill: Drill, short: boolean, log: (line: string) => void): Promise<DrillResult> {
  const t0 = Date.now();
  try {
    const checks = await drill.run({ short, log });
    return { id: drill.id, fault: drill.fault, ok: true, checks, ms: Date.now() - t0 };
  } catch (err) {
    const detail = err instanceof DrillFailure && err.detail ? `\n${err.detail}` : '';
    return { id: drill.id, fault: drill.fault, ok: false, checks: [], error: `${err instanceof Error ? err.message : String(err)}${detail}`, ms: Date.now() - t0 };
  }
}

export function formatResults(results: readonly DrillResult[]): string {
  const lines: string[] = [];
  const idWidth = Math.max(5, ...results.map((r) => r.id.length));
  lines.push(`${'drill'.padEnd(idWidth)}  result  time     fault / what was checked`);
  lines.push(`${'-'.repeat(idWidth)}  ------  -------  ${'-'.repeat(60)}`);
  for (const r of results) {
    lines.push(`${r.id.padEnd(idWidth)}  ${(r.ok ? 'PASS' : 'FAIL').padEnd(6)}  ${`${(r.ms / 1000).toFixed(1)} s`.padStart(7)}  ${r.fault}`);
    for (const c of r.checks) lines.push(`${''.padEnd(idWidth)}                   ✓ ${c}`);
    if (r.error) lines.push(`${''.padEnd(idWidth)}                   ✗ ${r.error.split('\n')[0]}`);
  }
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) lines.push('', `=== ${r.id} failed: ${r.error ?? ''}`);
  return lines.join('\n');
}
