/**
 * `npm run build` (also `prepare`, so `npm ci` and `npm pack` build): compiles the sources to dist/ with
 * tsconfig.build.json (same relative layout, `./x.ts` imports rewritten to `./x.js`, .d.ts next to each .js),
 * after removing the old dist/ so a moved or deleted source never leaves a stale module behind.
 * Non-TypeScript files the code reads relative to its own module (every folder named `static`, e.g. the
 * live page's) are copied to the same place under dist/. Then the CLI is bundled with esbuild into dist/bundle/
 * (scripts/bundle.mjs: a cold start loads a few files instead of ~800), which bin/zkpulse.js runs.
 * Plain Node, no tsx: it runs on a fresh `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { bundleCli } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const SKIP = new Set(['node_modules', 'dist', '.git', 'test', 'bench', 'drills', 'scripts', '.tmp', 'test-output']);

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  process.stderr.write(`build: tsc -p tsconfig.build.json failed (exit ${compiled.status ?? compiled.signal}); dist/ is incomplete\n`);
  process.exit(1);
}

/** Copies every `static` folder under `dir` (skipping the folders that are not shipped) into dist/. */
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.name === 'static') cpSync(path, join(dist, relative(root, path)), { recursive: true });
    else copyAssets(path);
  }
}
copyAssets(root);

try {
  await bundleCli();
} catch (error) {
  process.stderr.write(`build: bundling the CLI (scripts/bundle.mjs) failed: ${error?.message ?? error}\n`);
  process.exit(1);
}
