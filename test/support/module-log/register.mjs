/**
 * `node --import <this file>`: writes the URL of every module the process loads to the file named by
 * ZKPULSE_MODULE_LOG, one a line. ES modules (and the CommonJS entries they import) come from a
 * module.register() load hook (./hooks.mjs, Node ≥ 20.6; it runs in the loader thread); CommonJS files
 * loaded by require() do not pass those hooks on Node 20, so require.cache is appended at exit.
 * Plain JavaScript: it runs under the compiled CLI, without tsx.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const file = process.env.ZKPULSE_MODULE_LOG;
if (file) {
  register('./hooks.mjs', import.meta.url, { data: { file } });
  // one cache for every require() of the process (createRequire shares it)
  const { cache } = createRequire(import.meta.url);
  process.on('exit', () => {
    const required = Object.keys(cache).map((path) => pathToFileURL(path).href);
    if (required.length > 0) appendFileSync(file, `${required.join('\n')}\n`);
  });
}
