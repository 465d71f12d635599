import type { Scheduler } from "../../core/scheduler.ts";
import { concurrencyOption } from "./_concurrency.ts";

/** Options of {@linkcode parallelScheduler}. */
export interface ParallelSchedulerOptions {
  /** Steps running at once (the run's `maxConcurrency` caps it too). @default {Infinity} */
  readonly concurrency?: number;
}

/**
 * Starts ready steps as soon as they are ready, up to `concurrency` at once, first come first
 * served (plan order among steps that became ready together).
 *
 * @param options The concurrency.
 * @returns The scheduler plugin.
 *
 * @example Four at a time
 * ```ts
 * import { createOrchestrator, parallelScheduler } from "@baton/baton";
 *
 * const baton = createOrchestrator({ tools: [], plugins: [parallelScheduler({ concurrency: 4 })] });
 * ```
 */
export function parallelScheduler(options: ParallelSchedulerOptions = {}): Scheduler {
  const concurrency = concurrencyOption("parallelScheduler", options.concurrency, Infinity);
  return {
    name: "parallel",
    kind: "scheduler",
    queue: { concurrency },
    select(ready, view) {
      const room = Math.min(view.slots, concurrency - view.running);
      return ready.slice(0, Math.max(0, room)).map((step) => ({
        stepId: step.id,
        reason: `ready; ${view.running} running, ${Math.max(0, room)} free slots`,
      }));
    },
  };
}
