/**
 * The sidecar's line protocol on a command's stdout. Pure. Any other line (or a malformed one) is
 * just output.
 *
 *   PROGRESS <task> <done>/<total> [message]   the task runs (done ≥ total > 0: the task is done)
 *   DONE <task> [message]                      the task is done
 *   FAILED <task> [message]                    the task failed
 */
export interface ProgressLine {
  task: string;
  done: number;
  total: number;
  message?: string;
}

export type SidecarLine =
  | ({ kind: 'progress' } & ProgressLine)
  | { kind: 'done' | 'failed'; task: string; message?: string };

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const PROGRESS = new RegExp(String.raw`^PROGRESS\s+(\S+)\s+${NUMBER}/${NUMBER}(?:\s+(.*?))?\s*$`);
const FINISH = /^(DONE|FAILED)\s+(\S+)(?:\s+(.*?))?\s*$/;

export function parseProgressLine(line: string): ProgressLine | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  const parsed: ProgressLine = { task: m[1]!, done: Number(m[2]), total: Number(m[3]) };
  if (m[4]) parsed.message = m[4];
  return parsed;
}

export function parseSidecarLine(line: string): SidecarLine | null {
  const progress = parseProgressLine(line);
  if (progress) return { kind: 'progress', ...progress };
  const m = FINISH.exec(line);
  if (!m) return null;
  const parsed: SidecarLine = { kind: m[1] === 'DONE' ? 'done' : 'failed', task: m[2]! };
  if (m[3]) parsed.message = m[3];
  return parsed;
}
