import type { Plan, Step } from "./plan.ts";
import type { Tool, Usage } from "./tool.ts";

/** What a scheduler sees when it decides. */
export interface SchedulerView {
  /** The plan being run. */
  readonly plan: Plan;
  /** Steps running now. */
  readonly running: number;
  /** How many more may start now (the run's `maxConcurrency` minus those running). */
  readonly slots: number;
  /** The steps running now. */
  readonly runningSteps: readonly Step[];
  /** The run's tools, by name (for declared costs). */
  readonly tools: ReadonlyMap<string, Tool>;
  /** Resources the run's steps have reported so far. */
  readonly usage: Required<Usage>;
  /** The run clock's time, in milliseconds since the epoch. */
  readonly now: number;
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
  /**
   * Asked when `select` started nothing while nothing runs: in how many milliseconds to ask
   * again (a rate limit that frees up later), or `undefined` when waiting cannot help (the
   * kernel then stops the run, naming the scheduler).
   */
  retryAfterMs?(ready: readonly Step[], view: SchedulerView): number | undefined;
}
