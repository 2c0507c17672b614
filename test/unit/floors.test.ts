/**
 * The layer rules of eslint.config.js (README "Layout"): an import that runs up a floor, or from production code
 * into the tests, is an error naming both folders; imports down the floors pass. Linted as text at the paths
 * the files would have, with the project's own config.
 */
import test from 'ava';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (spec: string) => `import { thing } from '${spec}';\nexport const x = thing;\n`;

const upward: [string, string, RegExp][] = [
  ['zk/session-extra.ts', '../collector/pipeline.ts', /zk\/ must not import collector\//],
  ['zk/session-extra.ts', '../contract/index.ts', /zk\/ must not import contract\//],
  ['contract/zkpulse/extra.ts', '../../zk/events.ts', /contract\/ must not import zk\//],
  ['collector/watch/extra.ts', '../../alerts/service.ts', /collector\/ must not import alerts\//],
  ['collector/extra.ts', '../agent/agent.ts', /collector\/ must not import agent\//],
  ['agent/extra.ts', '../collector/pipeline.ts', /agent\/ must not import collector\//],
  ['alerts/engine/extra.ts', '../../server/collector.ts', /alerts\/ must not import server\//],
  ['replay/extra.ts', '../server/collector.ts', /replay\/ must not import server\//],
  ['server/extra.ts', '../cli/main.ts', /server\/ must not import cli\//],
  ['contract/extra.ts', '../index.ts', /index\.ts is the public API/],
  ['collector/extra.ts', '../test/support/fold.ts', /test\/ is not importable/],
  ['index.ts', './bench/main.ts', /bench\/ is not importable/],
];

for (const [file, spec, message] of upward) {
  test(`refused: ${file} importing ${spec}`, async (t) => {
    const found = await problems(file, importing(spec));
    t.is(found.length, 1, found.join('\n'));
    t.regex(found[0] ?? '', message);
  });
}

const downward: [string, string][] = [
  ['collector/watch/extra.ts', '../../zk/session.ts'],
  ['collector/extra.ts', '../contract/index.ts'],
  ['agent/extra.ts', '../zk/election.ts'],
  ['alerts/engine/extra.ts', '../../collector/model/types.ts'],
  ['server/extra.ts', '../alerts/service.ts'],
  ['cli/extra.ts', '../server/collector.ts'],
  ['bench/extra.ts', '../stack/index.ts'],
];

for (const [file, spec] of downward) {
  test(`allowed: ${file} importing ${spec}`, async (t) => {
    t.deepEqual(await problems(file, importing(spec)), []);
  });
}
