import type { Scheduler } from "../../core/scheduler.ts";
import { concurrencyOption, stepPosition } from "./_concurrency.ts";

/** Options of {@linkcode criticalPathScheduler}. */
export interface CriticalPathSchedulerOptions {
  /** Steps running at once (the run's `maxConcurrency` caps it too). @default {Infinity} */
  readonly concurrency?: number;
}

/**
 * Starts the ready steps with the least slack first: the ones on the critical path, which
 * delay the whole run if they wait. Slack comes from the graph core's critical path analysis
 * of the step estimates (`estimateMs`). With limited concurrency this keeps the makespan
 * close to the critical path.
 *
 * @param options The concurrency.
 * @returns The scheduler plugin.
 *
 * @example Critical steps first, two at a time
 * ```ts
 * import { createOrchestrator, criticalPathScheduler } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [criticalPathScheduler({ concurrency: 2 })] });
 * ```
 */
export function criticalPathScheduler(options: CriticalPathSchedulerOptions = {}): Scheduler {
  const concurrency = concurrencyOption("criticalPathScheduler", options.concurrency, Infinity);
  return {
    name: "critical-path",
    kind: "scheduler",
    queue: { rank: (step, plan) => plan.slackMs[step.id] ?? 0, concurrency },
    select(ready, view) {
      const room = Math.max(0, Math.min(view.slots, concurrency - view.running));
      if (room === 0) return [];
      const slack = view.plan.slackMs;
      const position = stepPosition(view.plan);
      return [...ready]
        .sort((a, b) => slack[a.id]! - slack[b.id]! || position.get(a.id)! - position.get(b.id)!)
        .slice(0, room)
        .map((step) => ({ stepId: step.id, reason: `slack ${slack[step.id]} ms` }));
    },
  };
}
