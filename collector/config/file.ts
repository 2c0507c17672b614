/**
 * Reads the YAML `--config` file into a plain object; any problem is one ConfigError line. The YAML parser
 * (~70 files) is loaded only when a file is read, not by every verb that imports the config (bench/cold-start);
 * it is CommonJS under Node, so require() is synchronous.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from './errors.ts';

type Yaml = typeof import('yaml');

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
    throw new ConfigError(`--config: cannot read ${JSON.stringify(path)}: ${why}`);
  }
  const { parse, YAMLParseError } = createRequire(import.meta.url)('yaml') as Yaml;
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    const what = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`--config: ${JSON.stringify(path)} is not valid YAML${where}: ${what}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`--config: ${JSON.stringify(path)} must hold a map of keys (zk, clusters, ...)`);
  }
  return doc as Record<string, unknown>;
}
