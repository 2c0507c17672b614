/** Delivery with retries: the same request (same delivery id) until done, given up, or too old. */
import type { SchedulerLike } from 'rxjs';
import type { RetryPolicy } from './config.ts';
import type { HttpPost } from './http-post.ts';
import type { NotificationRequest } from './request.ts';
import { retryDecision, type AttemptOutcome } from './retry.ts';

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  reason: string;
  last: AttemptOutcome;
}

export async function deliverWithRetry(
  req: NotificationRequest,
  deps: { post: HttpPost; scheduler: SchedulerLike; policy: RetryPolicy; random: () => number; timeoutMs: number },
): Promise<DeliveryResult> {
  const first = deps.scheduler.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await deps.post(req.url, req.body, req.headers, deps.timeoutMs);
    const decision = retryDecision(outcome, attempt, first, deps.scheduler.now(), deps.policy, deps.random());
    if (decision.action !== 'retry') {
      return { ok: decision.action === 'done', attempts: attempt, reason: decision.reason, last: outcome };
    }
    await new Promise<void>((resolve) => deps.scheduler.schedule(() => resolve(), Math.max(0, decision.delayMs)));
  }
}
