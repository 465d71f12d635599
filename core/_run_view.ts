// What a scheduler sees of a running plan.
import type { LoopGuard } from "./loop_guard.ts";
import type { Plan, Step } from "./plan.ts";
import type { SchedulerView } from "./scheduler.ts";
import type { Tool, Usage } from "./tool.ts";

/** What a scheduler sees; the running steps and usage are copied only when it asks. */
export class RunView implements SchedulerView {
  readonly running: number;
  readonly #steps: ReadonlySet<Step>;
  readonly #guard: LoopGuard;

  constructor(
    readonly plan: Plan,
    steps: ReadonlySet<Step>,
    readonly slots: number,
    readonly tools: ReadonlyMap<string, Tool>,
    guard: LoopGuard,
    readonly now: number,
  ) {
    this.running = steps.size;
    this.#steps = steps;
    this.#guard = guard;
  }

  get runningSteps(): readonly Step[] {
    return [...this.#steps];
  }

  get usage(): Required<Usage> {
    return { ...this.#guard.usage };
  }
}
