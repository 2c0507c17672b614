/**
 * What replay prints for a golden case folder (test/testcases/<name>/): its config.yaml,
 * events.ndjson and, when present, replay.json (replay options the case was recorded with).
 * Shared by the recorder (which writes expected-notifications.ndjson with it) and test/golden.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReplayConfig } from '../../replay/config.ts';
import { replay, type ReplayOptions } from '../../replay/replay.ts';

export const CASE_OPTIONS_FILE = 'replay.json';

/**
 * replay.json: `{"alertingStartsAt": "<ISO time>"}`, when the live collector's alerting started
 * (after the first sync: its state took that long to load). Anything else is an error naming the file.
 */
export function caseReplayOptions(dir: string): Pick<ReplayOptions, 'alertingStartsAt'> {
  const file = join(dir, CASE_OPTIONS_FILE);
  if (!existsSync(file)) return {};
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected an object`);
  const { alertingStartsAt, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new Error(`${file}: unknown key ${JSON.stringify(unknown[0])} (keys: alertingStartsAt)`);
  if (alertingStartsAt === undefined) return {};
  const at = typeof alertingStartsAt === 'string' ? Date.parse(alertingStartsAt) : NaN;
  if (!Number.isFinite(at)) throw new Error(`${file}: alertingStartsAt: expected an ISO time, got ${JSON.stringify(alertingStartsAt)}`);
  return { alertingStartsAt: at };
}

/** The expected file's content for a case folder. */
export async function replayCase(dir: string): Promise<string> {
  const config = loadReplayConfig(join(dir, 'config.yaml'), () => []);
  const result = await replay({ files: [join(dir, 'events.ndjson')], config, ...caseReplayOptions(dir) });
  return result.notifications.map((n) => JSON.stringify(n) + '\n').join('');
}
