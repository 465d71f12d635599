import type { Scheduler } from "../../core/scheduler.ts";
import { concurrencyOption, stepPosition } from "./_concurrency.ts";

/** Options of {@linkcode priorityScheduler}. */
export interface PrioritySchedulerOptions {
  /** Steps running at once (the run's `maxConcurrency` caps it too). @default {Infinity} */
  readonly concurrency?: number;
}

/**
 * Starts the ready steps with the highest `priority` first (plan order breaks ties), up to
 * `concurrency` at once.
 *
 * @param options The concurrency.
 * @returns The scheduler plugin.
 *
 * @example Important steps first
 * ```ts
 * import { createOrchestrator, priorityScheduler } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [priorityScheduler({ concurrency: 2 })] });
 * ```
 */
export function priorityScheduler(options: PrioritySchedulerOptions = {}): Scheduler {
  const concurrency = concurrencyOption("priorityScheduler", options.concurrency, Infinity);
  return {
    name: "priority",
    kind: "scheduler",
    queue: { rank: (step) => -step.priority, concurrency },
    select(ready, view) {
      const room = Math.max(0, Math.min(view.slots, concurrency - view.running));
      if (room === 0) return [];
      const position = stepPosition(view.plan);
      return [...ready]
        .sort((a, b) => b.priority - a.priority || position.get(a.id)! - position.get(b.id)!)
        .slice(0, room)
        .map((step) => ({ stepId: step.id, reason: `priority ${step.priority}` }));
    },
  };
}
