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
  /** The step to start. */
  readonly stepId: string;
  /** Why, in words (recorded in the decision log). */
  readonly reason: string;
}

/** How a scheduler orders the ready steps it takes (see {@linkcode Scheduler.queue}). */
export interface SchedulerQueue {
  /**
   * A ready step's place in line in a plan version: lower first, ties in plan order. Without it,
   * steps are taken in the order they became ready.
   */
  readonly rank?: (step: Step, plan: Plan) => number;
  /** How many of its steps the scheduler lets run at once (the run's `maxConcurrency` caps it). */
  readonly concurrency?: number;
  /**
   * Splits the line into lanes by a key, such as a step's tool: the scheduler is then handed the
   * first steps of every lane (as many per lane as may start), merged by rank and then plan
   * order, so that it can pass over the steps of a lane that must wait (a tool at its limit)
   * and still see the next lane's. For schedulers whose reasons to pass over a step are the same
   * for every step of a lane.
   */
  readonly lane?: (step: Step) => string;
}

/**
 * Decides which ready steps start now. It is asked whenever steps become ready or finish;
 * the kernel starts at most `view.slots` of the steps it returns, in the order returned.
 */
export interface Scheduler {
  /** The scheduler's name, as recorded in history. */
  readonly name: string;
  /** Marks the plugin as a scheduler. */
  readonly kind: "scheduler";
  /**
   * Given when the scheduler only ever starts the first ready steps in one order: the kernel then
   * keeps the ready steps in that order as they become ready and hands `select` and
   * `retryAfterMs` only as many as may start now, so that a round costs the steps it can start,
   * not every step that is waiting (a plan with thousands of independent steps). Without it,
   * they are handed every ready step.
   */
  readonly queue?: SchedulerQueue;
  /** Picks steps to start from those ready (in the order they became ready, or the queue's). */
  select(ready: readonly Step[], view: SchedulerView): readonly Decision[];
  /**
   * Asked when `select` started nothing while nothing runs: in how many milliseconds to ask
   * again (a rate limit that frees up later), or `undefined` when waiting cannot help (the
   * kernel then stops the run, naming the scheduler).
   */
  retryAfterMs?(ready: readonly Step[], view: SchedulerView): number | undefined;
}
