/**
 * How the CLI ends on an error. A usage problem (bad flag, bad config value) is ONE line on stderr
 * and exit code 2, before anything was started (docs/contract.md §1). Any other failure is one line and exit 1.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../collector/config/errors.ts';

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** A usage problem found by the CLI itself (outside commander and the config schema). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CliOutcome {
  /** the line for stderr; null when there is nothing to say (help or version was printed) */
  line: string | null;
  exitCode: number;
}

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' ');

/** Pure: an error thrown by the CLI → the line to print and the exit code. */
export function describeCliError(err: unknown, debug = false): CliOutcome {
  if (err instanceof ConfigError || err instanceof UsageError) return { line: oneLine(err.message), exitCode: EXIT_USAGE };
  if (err instanceof CommanderError) {
    // help, --help and --version end with exit code 0 and have already printed what they had to say
    if (err.exitCode === 0) return { line: null, exitCode: 0 };
    if (err.code === 'commander.help') return { line: null, exitCode: EXIT_USAGE };
    return { line: `zkpulse: ${oneLine(err.message.replace(/^error:\s*/, ''))}`, exitCode: EXIT_USAGE };
  }
  if (debug && err instanceof Error && err.stack) return { line: err.stack, exitCode: EXIT_FAILURE };
  const message = err instanceof Error ? err.message : String(err);
  return { line: `zkpulse: ${oneLine(message)}`, exitCode: EXIT_FAILURE };
}

/** Prints the outcome of an error on stderr and exits. Set ZKPULSE_DEBUG=1 for the stack of unexpected failures. */
export function exitOnError(err: unknown): never {
  const { line, exitCode } = describeCliError(err, process.env.ZKPULSE_DEBUG === '1');
  if (line !== null) process.stderr.write(`${line}\n`);
  process.exit(exitCode);
}
