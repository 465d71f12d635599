import type { Scheduler } from "../../core/scheduler.ts";
import { orderPosition } from "./_concurrency.ts";

/**
 * Runs one step at a time, in the plan's deterministic order (priority, then plan order).
 *
 * @returns The scheduler plugin.
 *
 * @example One at a time
 * ```ts
 * import { createOrchestrator, sequentialScheduler } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [sequentialScheduler()] });
 * ```
 */
export function sequentialScheduler(): Scheduler {
  return {
    name: "sequential",
    kind: "scheduler",
    queue: { rank: (step, plan) => orderPosition(plan).get(step.id) ?? 0, concurrency: 1 },
    select(ready, view) {
      if (view.running > 0 || ready.length === 0) return [];
      const position = orderPosition(view.plan);
      let first = ready[0]!;
      for (const step of ready) {
        if (position.get(step.id)! < position.get(first.id)!) first = step;
      }
      return [{ stepId: first.id, reason: "next in plan order; one step at a time" }];
    },
  };
}
