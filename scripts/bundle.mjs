/**
 * The CLI as one esbuild bundle (issue 17, cold start): dist/bundle/cli.mjs, plus one chunk per verb's dynamic
 * `import()` (`splitting`), so `zkpulse agent` still never loads express or the dashboards' SDK. Node 20 has no
 * module compile cache: the ~800 files of dist/ and node_modules a `collect` loaded (each resolved, read and
 * compiled apart, each package's package.json read) cost seconds on a loaded machine; a few large files cost
 * far less (bench/README.md, cold start). dist/*.js (tsc) stays for the library exports.
 *
 * Not bundled (left to Node's resolution from dist/bundle/, which finds the same node_modules):
 * - node-zookeeper-client: zk/harden.ts require()s its internal modules (jute, Event, Exception) and swaps
 *   records on them; a bundled copy would be a second, unpatched library.
 * - what the sources load with createRequire() on first use (express, pino-pretty, yaml): esbuild does not follow
 *   those calls, and they stay off the start-up path anyway.
 * Files read relative to a module (`new URL('./static/', import.meta.url)`) are pointed at their copy under dist/
 * (copied by scripts/build.mjs) by rewriting the relative path for the chunk's folder: dist/bundle/ and dist/
 * keep their places in the installed package.
 */
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** where scripts/build.mjs writes the bundle; bin/zkpulse.js runs `cli.mjs` there when present */
export const BUNDLE_DIR = join(ROOT, 'dist', 'bundle');
/** packages resolved by Node at run time (see above) */
export const EXTERNAL = ['node-zookeeper-client', 'node-zookeeper-client/*'];

/** `new URL('./x', import.meta.url)` with a relative literal (the only form the sources use) */
const RELATIVE_URL = /new URL\((['"])(\.\.?\/[^'"]*)\1,\s*import\.meta\.url\)/g;

/** Rewrites module-relative URLs in a source file so they name the file's copy under `assets` from `outdir`. */
function moduleUrls(outdir, assets) {
  return {
    name: 'zkpulse-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${join('/', 'node_modules', '/')}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const distDir = join(assets, relative(ROOT, dirname(args.path)));
        const contents = source.replace(RELATIVE_URL, (_all, quote, path) => {
          let rel = relative(outdir, join(distDir, path)).split('\\').join('/');
          if (path.endsWith('/')) rel += '/';
          if (!rel.startsWith('.')) rel = `./${rel}`;
          return `new URL(${quote}${rel}${quote}, import.meta.url)`;
        });
        return { contents, loader: 'ts' };
      });
    },
  };
}

// CommonJS packages bundled into ESM call require() for Node's built-ins: each chunk gets a real one.
const BANNER = "import { createRequire as __zkpulseCreateRequire } from 'node:module';\nconst require = __zkpulseCreateRequire(import.meta.url);";

/**
 * Bundles cli/main.ts into `outdir` (default dist/bundle/, emptied first). `assets`: the folder laid out as the
 * sources where module-relative files are read (default dist/, where scripts/build.mjs copies them; a test
 * bundling without a build passes ROOT, the sources' own files). Returns esbuild's metafile (which sources and
 * packages each output file holds): the lazy-loading test maps the chunks a verb loaded back to packages.
 */
export async function bundleCli({ outdir = BUNDLE_DIR, assets = join(ROOT, 'dist') } = {}) {
  const esbuild = createRequire(import.meta.url)('esbuild');
  // chunk names are content hashes: an earlier build's chunks would stay behind
  await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: join(ROOT, 'cli', 'main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    external: EXTERNAL,
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    // esbuild renames a top-level name two modules share (`Foo` → `Foo2`): keep the names that show in logs and
    // stack traces (pino's err serializer logs `err.constructor.name`)
    keepNames: true,
    plugins: [moduleUrls(outdir, assets)],
  });
  return result.metafile;
}
