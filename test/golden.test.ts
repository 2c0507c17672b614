/**
 * Golden cases: each folder of test/testcases/ holds a recording of a real run (recorded by
 * `npm run record-case -- <name>`), the config it was recorded with (and replay.json, when the case
 * needs replay options), and the notifications a replay must print, byte for byte. One test per folder.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayCase } from '../scripts/cases/replay-case.ts';

const DIR = fileURLToPath(new URL('./testcases/', import.meta.url));
const cases = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(DIR, d.name, 'events.ndjson')))
  .map((d) => d.name)
  .sort();

test('there are at least 12 golden cases', (t) => {
  t.true(cases.length >= 12, `found ${cases.length}: ${cases.join(', ')}`);
});

for (const name of cases) {
  test(`golden: ${name}`, async (t) => {
    const dir = join(DIR, name);
    t.is(await replayCase(dir), readFileSync(join(dir, 'expected-notifications.ndjson'), 'utf8'));
  });
}
