import { backoffDelay } from "../../core/_backoff.ts";
import { planToInput } from "../../core/optimize_plan.ts";
import type { ReplanStrategy } from "../../core/replan.ts";

/** Options of {@linkcode retryStrategy}. */
export interface RetryStrategyOptions {
  /** Replans of the same step this strategy makes. @default {2} */
  readonly max?: number;
  /** Wait before the first replan; doubled each time, with jitter. @default {200} */
  readonly backoffMs?: number;
}

/**
 * The `retry` replan strategy: runs the failed step again, as a new plan version, after an
 * exponential back-off with jitter. Unlike a step's own `retry:` policy it also answers
 * timeouts and unexpected results, and it shows in the plan history.
 *
 * @param options How many times, and how long to wait.
 * @returns The strategy plugin.
 * @throws {RangeError} When an option is negative.
 *
 * @example Try a failing step twice more before giving up
 * ```ts
 * import { createOrchestrator, retryStrategy } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [retryStrategy({ max: 2 })] });
 * ```
 */
export function retryStrategy(options: RetryStrategyOptions = {}): ReplanStrategy {
  const max = options.max ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  if (!(max >= 0) || !(backoffMs >= 0)) {
    throw new RangeError("retryStrategy: max and backoffMs must be at least 0");
  }
  return {
    name: "retry",
    kind: "replan",
    async replan(ctx) {
      const stepId = ctx.trigger.stepId;
      if (stepId === undefined || ctx.uses >= max) return undefined;
      const delayMs = backoffDelay(backoffMs, ctx.uses + 1);
      if (delayMs > 0) await ctx.clock.sleep(delayMs, ctx.signal);
      return {
        plan: planToInput(ctx.plan),
        reason: `Run "${stepId}" again (replan ${ctx.uses + 1} of ${max}) after ${delayMs} ms`,
      };
    },
  };
}
