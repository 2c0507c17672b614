/**
 * Follows a wanted role with async steps that never overlap: becoming active (start alerting, which
 * loads its state from ZooKeeper) and becoming standby (stop it, which writes what is pending).
 * A role change that arrives while a step runs is applied after it; changes that cancel each other
 * out cost nothing.
 */
import type { CollectorRole } from './role.ts';

export interface RoleSteps {
  activate(): Promise<void>;
  deactivate(): Promise<void>;
  onError?(role: CollectorRole, err: unknown): void;
  /** runs `fn` after `ms`: a failed activation is tried again (alert state not loadable yet) */
  later?(ms: number, fn: () => void): void;
  retryMs?: number;
}

/** The next step from the applied role to the wanted one, or null when they agree. Pure. */
export function nextStep(applied: CollectorRole, wanted: CollectorRole): 'activate' | 'deactivate' | null {
  if (applied === wanted) return null;
  return wanted === 'active' ? 'activate' : 'deactivate';
}

export class RoleSwitch {
  private applied: CollectorRole = 'standby';
  private wanted: CollectorRole = 'standby';
  private running: Promise<void> | null = null;

  constructor(private readonly steps: RoleSteps) {}

  /** the role whose step last completed */
  get role(): CollectorRole {
    return this.applied;
  }

  want(role: CollectorRole): Promise<void> {
    this.wanted = role;
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  /** Resolves when no step runs. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    for (let step = nextStep(this.applied, this.wanted); step; step = nextStep(this.applied, this.wanted)) {
      const target: CollectorRole = step === 'activate' ? 'active' : 'standby';
      try {
        await this.steps[step]();
      } catch (err) {
        this.steps.onError?.(target, err);
        if (target === 'active') {
          // not active after all; try again later if we are still wanted as active
          this.steps.later?.(this.steps.retryMs ?? 1000, () => void this.want(this.wanted));
          return;
        }
      }
      // a failed deactivate still leaves us standby: we never keep acting as active by mistake
      this.applied = target;
    }
  }
}
