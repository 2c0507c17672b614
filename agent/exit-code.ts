import { constants } from 'node:os';

/** A child's end as a shell would report it: its exit code, or 128 + the number of the signal that killed it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}

/** `zkpulse agent --lock`: the lock was not acquired within --lock-wait; the command did not run (EX_TEMPFAIL: try again later). */
export const EXIT_LOCK_NOT_ACQUIRED = 75;
/** `zkpulse agent --lock`: the lock was lost while the command ran; the command was stopped. */
export const EXIT_LOCK_LOST = 76;
