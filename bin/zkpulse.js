#!/usr/bin/env node
// The zkpulse binary: runs the compiled CLI (dist/bundle/, else dist/cli/; built by `npm run build`, `npm ci`
// and `npm pack`) with plain Node. ZKPULSE_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (a development checkout only: tsx
// is a devDependency). The test suite sets it (package.json "ava"), so a test never runs a stale dist/.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
// A collector's live heap is small (~50 MB for 10,000 workers) but every heartbeat leaves garbage in
// the old generation (the worker's previous record, its map path, its points). V8's default growing
// factor lets that space reach 3-4× the live heap before a full GC: ~300 MB RSS under 2,000 beats/s.
// Letting it grow to twice the live heap keeps the collector near 210 MB at the cost of more frequent
// (incremental) full GCs: ~1% CPU, and p99 event lag ~1.3-1.5× the raw watch floor instead of ~1×
// (bench/load). 50 gives ~190 MB with a longer lag tail.
setFlagsFromString('--heap-growing-percent=100');
// Other V8 flags, e.g. ZKPULSE_V8_FLAGS=--optimize-for-size (smaller still, slower), or
// --heap-growing-percent=0 for V8's own heuristics.
if (process.env.ZKPULSE_V8_FLAGS) setFlagsFromString(process.env.ZKPULSE_V8_FLAGS);
if (process.env.ZKPULSE_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else {
  // dist/bundle/cli.mjs (esbuild, scripts/bundle.mjs) loads a few files instead of ~800: the cold start
  // (bench/cold-start). dist/cli/main.js (tsc) when there is no bundle (a build of an older scripts/build.mjs).
  const bundle = new URL('../dist/bundle/cli.mjs', import.meta.url);
  const main = existsSync(bundle) ? bundle : new URL('../dist/cli/main.js', import.meta.url);
  try {
    await import(main.href);
  } catch (error) {
    // Only dist/ itself missing gets this hint; any other failure (a missing dependency too) is reported as is.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(main.pathname)) throw error;
    process.stderr.write(`zkpulse: ${main.pathname} is missing: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`);
    process.exit(1);
  }
}
