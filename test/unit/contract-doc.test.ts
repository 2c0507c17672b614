/**
 * Every "contract §N" a source file or README cites resolves to a section of docs/contract.md, the project's
 * own contract document (it once pointed at a document outside the repository), and the outside names that
 * document lists are the ones the code uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ZK_RULE_NAMES } from '../../alerts/rules/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', '.tmp', 'test-output', 'testcases', 'generated']);
const CONTRACT = readFileSync(join(ROOT, 'docs', 'contract.md'), 'utf8');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|js|mjs|md|html)$/.test(entry.name)) yield path;
  }
}

/** The section numbers docs/contract.md has: `## N.` headings, and `## N–M.` for a range. */
function sections(): Set<number> {
  const found = new Set<number>();
  for (const [, from, to] of CONTRACT.matchAll(/^## (\d+)(?:[–-](\d+))?\. /gm)) {
    for (let n = Number(from); n <= Number(to ?? from); n++) found.add(n);
  }
  return found;
}

test('docs/contract.md has sections 1 to 11', (t) => {
  t.deepEqual([...sections()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test('every contract § citation names docs/contract.md and a section it has', (t) => {
  const have = sections();
  const bad: string[] = [];
  let cited = 0;
  for (const file of sources(ROOT)) {
    const rel = relative(ROOT, file);
    if (rel === join('docs', 'contract.md') || rel === join('test', 'unit', 'contract-doc.test.ts')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/(\S*)\s+§(\d+)/g)) {
      if (!/contract/i.test(m[1] ?? '')) continue;
      cited++;
      if (m[1] !== 'docs/contract.md' && m[1] !== '(docs/contract.md') bad.push(`${rel}: "${m[0]}" (write docs/contract.md §N)`);
      else if (!have.has(Number(m[2]))) bad.push(`${rel}: "${m[0]}" has no section in docs/contract.md`);
    }
  }
  t.true(cited > 30, `found only ${cited} citations`);
  t.deepEqual(bad, []);
});

test('docs/contract.md names every built-in alert rule', (t) => {
  for (const name of ZK_RULE_NAMES) t.true(CONTRACT.includes(`\`${name}\``), name);
});
