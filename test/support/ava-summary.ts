import { stripVTControlCharacters } from 'node:util';

export interface AvaSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** False when ava printed no closing summary at all (it crashed, or found no test file). */
  complete: boolean;
}

function count(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Reads the counts from ava 7's default reporter output. Its closing lines say "12 tests passed" only when
 * nothing failed; otherwise "2 tests failed", "1 hook failed", "3 tests remained pending after a timeout",
 * "1 uncaught exception", "1 unhandled rejection". Passed tests are then counted from their `✔` lines.
 */
export function parseAvaSummary(rawOutput: string): AvaSummary {
  const text = stripVTControlCharacters(rawOutput);
  const tickLines = text.match(/^\s*✔ (?!\[expected fail\])/gm)?.length ?? 0;
  const failLines = text.match(/^\s*✘ \[(?:fail|unexpected pass)\]:/gm)?.length ?? 0;
  const failureCounts = [
    count(text, /^\s*(\d+) tests? failed/m),
    count(text, /^\s*(\d+) hooks? failed/m),
    count(text, /^\s*(\d+) tests? remained pending after a timeout/m),
    count(text, /^\s*(\d+) uncaught exceptions?/m),
    count(text, /^\s*(\d+) unhandled rejections?/m),
  ];
  const passedLine = count(text, /^\s*(\d+) tests? passed/m);
  const complete = passedLine !== undefined || failureCounts.some((n) => n !== undefined);
  const summedFailures = failureCounts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return {
    passed: passedLine ?? tickLines,
    failed: Math.max(summedFailures, failLines),
    skipped: count(text, /^\s*(\d+) tests? skipped/m) ?? 0,
    complete,
  };
}
