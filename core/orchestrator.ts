// The orchestrator's public face: what it is built from, what a run takes, and the handles it gives.
import type { Clock } from "./clock.ts";
import type { RunEvent } from "./events.ts";
import type { Limits } from "./limits.ts";
import type { PlanCaps } from "./normalize_plan.ts";
import type { Plan, PlanInput } from "./plan.ts";
import type { PlanVersion } from "./plan_diff.ts";
import type { ReplanPolicy } from "./replan.ts";
import type { RunHistory } from "./run_history.ts";
import type { RunResult } from "./run_result.ts";
import type { Tool } from "./tool.ts";

/** What the kernel is built from; every slot must be filled (the preset fills defaults). */
export interface KernelOptions {
  /** The tools plans may call. */
  readonly tools: readonly Tool[];
  /** Plugins: exactly one scheduler and one store. */
  readonly plugins: readonly unknown[];
  /** Default limits of every run. */
  readonly limits?: Limits;
  /** Caps on plan input. */
  readonly caps?: PlanCaps;
  /** The clock. @default {systemClock} */
  readonly clock?: Clock;
  /**
   * Optimize plans before running them: merge identical idempotent steps and drop implied
   * dependencies (each change is recorded in a `plan.optimized` event).
   * @default {true}
   */
  readonly optimize?: boolean;
  /**
   * Save a checkpoint (the run's folded state, replacing the previous one) at least every this
   * many events, and whenever a step marked `checkpoint: true` completes.
   * @default {1000}
   */
  readonly checkpointEvery?: number;
  /**
   * Which replan strategies answer which triggers, as an object or YAML/JSON text.
   * @default {every loaded strategy for failures, timeouts and surprises; `complete` for interventions}
   */
  readonly replan?: ReplanPolicy | string;
  /**
   * How long a claim on a run holds without renewal, in milliseconds (with a store that keeps
   * leases). A running run renews its claim every third of it; a run whose process died can be
   * resumed elsewhere once its claim lapsed. Keep it above the longest time a tool may block
   * the event loop.
   * @default {30_000}
   */
  readonly leaseMs?: number;
}

/** Options of one run. */
export interface RunOptions {
  /** Values `${{ context.KEY }}` references read. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Limits of this run, over the orchestrator's. */
  readonly limits?: Limits;
  /** The run's id. @default {a random UUID} */
  readonly runId?: string;
}

/** Options of an intervention. */
export interface InterventionOptions {
  /**
   * A new plan for the rest of the run; completed steps it leaves out are kept. It is
   * validated like any plan; an invalid one is rejected and recorded.
   */
  readonly plan?: PlanInput;
}

/** A run in progress. */
export interface RunHandle {
  /** The run's id. */
  readonly id: string;
  /** The plan version being run now (replans replace it). */
  readonly plan: Plan;
  /** Every plan version of this run so far, oldest first. */
  readonly versions: readonly PlanVersion[];
  /** Resolves when the run has ended, however it ended (limits and failures included). */
  readonly result: Promise<RunResult>;
  /**
   * Every event of the run from the first, live until it ends. Throws, like `result` rejects,
   * when the run could not start: another orchestrator holds its id, or the history holds a run
   * of that id already.
   */
  events(): AsyncIterable<RunEvent>;
  /** Stops the run: running steps are aborted, the result keeps what was done. */
  cancel(reason?: string): void;
  /**
   * Sends a person's message to the run: it is recorded, triggers a replan (with the given
   * plan, or through the policy and the planner), and ends a pause.
   * @throws {BatonError} When the run has ended.
   */
  intervene(message: string, options?: InterventionOptions): void;
  /**
   * Continues from an earlier plan version (as a new version): completed steps it shares
   * keep their results.
   * @throws {RangeError} When the run has no such version.
   */
  rollback(version: number): void;
  /**
   * Changes the run's limits while it runs. A limit already crossed stops the run; a lowered
   * one triggers a `limits` replan when the policy answers it.
   * @throws {RangeError} Naming a bad limit.
   */
  setLimits(limits: Limits): void;
}

/** The orchestrator: runs plans with its tools, scheduler, store and limits. */
export interface Orchestrator {
  /** The tools, by name. */
  readonly tools: ReadonlyMap<string, Tool>;
  /**
   * Validates a plan and starts running it. A plan with any error throws here and runs nothing.
   * The plan is an object, or the text of a YAML or JSON plan file (errors then also carry the
   * line and column).
   * @throws {PlanError} With the path of the bad field.
   */
  run(plan: PlanInput | string, options?: RunOptions): RunHandle;
  /**
   * Asks the planner for a plan for a goal, validated.
   * @throws {PluginError} When no planner is loaded.
   * @throws {BatonError} When the planner offers no valid plan.
   */
  plan(goal: string, options?: RunOptions): Promise<Plan>;
  /**
   * Asks the planner for a plan for a goal and runs it.
   * @throws {PluginError} When no planner is loaded.
   * @throws {BatonError} When the planner offers no valid plan.
   */
  runGoal(goal: string, options?: RunOptions): Promise<RunHandle>;
  /** Queries over a run's recorded history. */
  history(runId: string): RunHistory;
  /**
   * Continues a run whose process died, from its latest checkpoint and the events after it.
   * Completed steps are never run again; steps that were running start over. The run is
   * claimed first, so a run another orchestrator is running (its lease has not lapsed) is
   * refused, as is one this orchestrator is running.
   * @throws {BatonError} When the store has no such run, the run has already ended, or
   * another orchestrator (or this one) is running it.
   */
  resume(runId: string): Promise<RunHandle>;
  /**
   * Finds runs the store still shows as running whose process died (nobody holds their lease
   * any more) and resumes them (`"resume"`) or ends them as cancelled (`"mark"`). Runs another
   * live orchestrator is running are left to it. Call it at start-up, and again later for runs
   * whose lease had not lapsed yet.
   */
  recover(mode?: "resume" | "mark"): Promise<RunHandle[]>;
}
