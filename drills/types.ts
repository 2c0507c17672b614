/** What a fault drill is and what it reports. */
export interface DrillOptions {
  /** the short form (CI): shorter outages, same checks */
  short: boolean;
  /** progress lines (the runner prints them; ava logs them) */
  log: (line: string) => void;
}

export interface Drill {
  /** short name used by `--only` and in the table */
  id: string;
  /** what is broken, in one line */
  fault: string;
  /** runs the scenario; resolves with the checks that passed, rejects with the first that failed */
  run(options: DrillOptions): Promise<string[]>;
}

export interface DrillResult {
  id: string;
  fault: string;
  ok: boolean;
  checks: string[];
  error?: string;
  ms: number;
}

/** A check that did not hold; `detail` is shown under the table (process output, what was received). */
export class DrillFailure extends Error {
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = 'DrillFailure';
  }
}
