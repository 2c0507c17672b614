/**
 * SIGINT/SIGTERM for a command that starts and stops things in order (`zkpulse demo`). Listening
 * starts at once and lasts until dispose(): the first signal resolves `first`; every later one is
 * absorbed. A Ctrl-C often arrives more than once: the terminal signals the whole foreground
 * process group, and `npm run` forwards its own copy to its child. Without a listener a repeated
 * signal would end the process half-way through its stop (stack/registry.ts then kills the
 * services and exits 130).
 */
export interface StopSignals {
  /** Resolves with the first SIGINT or SIGTERM received since listening began. */
  readonly first: Promise<NodeJS.Signals>;
  /** The first signal, once one arrived. */
  readonly received: NodeJS.Signals | undefined;
  /** Stops listening (the process's default handling applies again). */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function listenForStopSignals(onFirst?: (signal: NodeJS.Signals) => void): StopSignals {
  let received: NodeJS.Signals | undefined;
  let resolveFirst: (signal: NodeJS.Signals) => void = () => {};
  const first = new Promise<NodeJS.Signals>((resolve) => (resolveFirst = resolve));
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) return;
    received = signal;
    onFirst?.(signal);
    resolveFirst(signal);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    first,
    get received() {
      return received;
    },
    dispose() {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
