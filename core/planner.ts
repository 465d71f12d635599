import type { JsonSchema } from "./json_schema.ts";
import type { PlanInput, StepInput } from "./plan.ts";
import type { Usage } from "./tool.ts";

/** What a planner knows of a tool: enough to call it, nothing to run it. */
export interface ToolSummary {
  /** The tool's name, as steps call it. */
  readonly name: string;
  /** What the tool does, for the planner to choose by. */
  readonly description: string;
  /** The JSON Schema of the tool's input. */
  readonly input: JsonSchema;
}

/** What makes the kernel ask for a new plan while a run is going. */
export type TriggerKind =
  | "failure"
  | "unexpected"
  | "timeout"
  /** A step still running past its share of the run's deadline (`maxDurationMs`). */
  | "deadline"
  | "intervention"
  | "limits"
  | "rollback";

/** One reason to replan, with its cause. */
export interface ReplanTrigger {
  /** The kind of trigger. */
  readonly kind: TriggerKind;
  /** The step that failed, timed out or surprised. */
  readonly stepId?: string;
  /** The step's error, for failures, timeouts and unexpected results. */
  readonly error?: string;
  /** A person's message, for interventions. */
  readonly message?: string;
  /**
   * Other steps that failed the same way and wait for a replan behind this one. A strategy may
   * answer them in the same version (as `alternative` does with their fallbacks); the triggers
   * of steps it replaced are then dropped.
   */
  readonly also?: readonly string[];
}

/** The run so far, in brief, for a planner asked to replan. */
export interface ReplanBrief {
  /** Why a new plan is needed. */
  readonly trigger: ReplanTrigger;
  /**
   * What to plan: `step` an alternative for the failed step alone, `partial` the failed step
   * and what depends on it, `complete` all remaining work.
   */
  readonly scope: "step" | "partial" | "complete";
  /** The current plan version, as input. */
  readonly plan: PlanInput;
  /** The current version's number. */
  readonly version: number;
  /** The step that failed, when one did. */
  readonly failedStep?: StepInput;
  /** Completed steps with their outputs, shortened. */
  readonly completed: readonly { readonly id: string; readonly tool: string; output: unknown }[];
  /** Step ids the new plan must keep as they are (completed, or outside the scope). */
  readonly keep: readonly string[];
  /** The last events, in one line each. */
  readonly recent: readonly string[];
}

/** A request for a plan. */
export interface PlanRequest {
  /** The goal to reach. */
  readonly goal: string;
  /** The tools a plan may use. */
  readonly tools: readonly ToolSummary[];
  /** The run's context values. */
  readonly context: Readonly<Record<string, unknown>>;
  /** Present when replanning a running plan. */
  readonly replan?: ReplanBrief;
  /** Aborted when the run is cancelled or its deadline passes. */
  readonly signal: AbortSignal;
  /**
   * Validates a candidate plan exactly as the kernel will: returns its errors, each as
   * `path: message`, or none when it is valid.
   */
  validate(plan: unknown): readonly string[];
  /** Reports resources used (model tokens, API calls): they count against the run's limits. */
  report(usage: Usage): void;
}

/**
 * A planner plugin: turns a goal (and, on replan, what happened) into a plan. Returning several
 * candidates lets the kernel choose the one with the shortest critical path and lowest cost;
 * returning `undefined` means it has nothing to offer.
 */
export interface Planner {
  /** The plugin's name, as recorded in history. */
  readonly name: string;
  /** Marks the plugin as a planner. */
  readonly kind: "planner";
  /**
   * Proposes a plan.
   * @throws {BatonError} When no valid plan can be had (the replan then fails).
   */
  plan(
    request: PlanRequest,
  ):
    | Promise<PlanInput | readonly PlanInput[] | undefined>
    | PlanInput
    | readonly PlanInput[]
    | undefined;
}
