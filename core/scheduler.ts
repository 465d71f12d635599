import type { Plan, Step } from "./plan.ts";

/** What a scheduler sees when it decides. */
export interface SchedulerView {
  /** The plan being run. */
  readonly plan: Plan;
  /** Steps running now. */
  readonly running: number;
  /** How many more may start now (the run's `maxConcurrency` minus those running). */
  readonly slots: number;
}

/** One decision: start this step, for this reason (both recorded in history). */
export interface Decision {
  readonly stepId: string;
  readonly reason: string;
}

/**
 * Decides which ready steps start now. It is asked whenever steps become ready or finish;
 * the kernel starts at most `view.slots` of the steps it returns, in the order returned.
 */
export interface Scheduler {
  readonly name: string;
  readonly kind: "scheduler";
  /** Picks steps to start from those ready (in plan order). */
  select(ready: readonly Step[], view: SchedulerView): readonly Decision[];
}
