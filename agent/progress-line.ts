/**
 * The sidecar's progress protocol on a command's stdout: `PROGRESS <task> <done>/<total> [message]`.
 * Pure. Any other line (or a malformed one) is just output.
 */
export interface ProgressLine {
  task: string;
  done: number;
  total: number;
  message?: string;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const PATTERN = new RegExp(String.raw`^PROGRESS\s+(\S+)\s+${NUMBER}/${NUMBER}(?:\s+(.*?))?\s*$`);

export function parseProgressLine(line: string): ProgressLine | null {
  const m = PATTERN.exec(line);
  if (!m) return null;
  const parsed: ProgressLine = { task: m[1]!, done: Number(m[2]), total: Number(m[3]) };
  if (m[4]) parsed.message = m[4];
  return parsed;
}
