/** Types of ./bundle.mjs for the TypeScript that imports it (test/integration/cli-lazy-loading.test.ts). */
export declare const ROOT: string;
export declare const BUNDLE_DIR: string;
export declare const EXTERNAL: string[];
/** esbuild's metafile, the part the tests read: each output file (relative to ROOT) and the inputs it holds */
export interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}
export declare function bundleCli(options?: { outdir?: string; assets?: string }): Promise<Metafile>;
