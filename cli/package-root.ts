import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The folder holding zkpulse's package.json, found through the package's own name (package.json "exports"
 * lists ./package.json), so it is the same from the TypeScript sources and from the compiled dist/.
 */
export const PACKAGE_ROOT = dirname(createRequire(import.meta.url).resolve('zkpulse/package.json'));
