import { constants } from 'node:os';

/** A child's end as a shell would report it: its exit code, or 128 + the number of the signal that killed it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}
