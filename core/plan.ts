/** How a step is retried after it fails. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = none). */
  readonly max: number;
  /**
   * Delay before the first retry; it doubles each time, with jitter.
   * @default {100}
   */
  readonly backoffMs?: number;
  /**
   * Longest delay between two attempts.
   * @default {30_000}
   */
  readonly maxBackoffMs?: number;
}

/** A step as planners, YAML files and code write it. */
export interface StepInput {
  /** Unique within the plan: a letter or `_`, then letters, digits, `_`, `-`, `.`. */
  readonly id: string;
  /** The tool to call. */
  readonly tool: string;
  /** The tool's input; strings may hold `${{ steps.ID.output.PATH }}` and `${{ context.KEY }}`. */
  readonly input?: Readonly<Record<string, unknown>>;
  /** Steps that must complete first. */
  readonly dependsOn?: readonly string[];
  /**
   * A condition (CEL by default) over `steps.ID.output` and `context`, checked when the step's
   * dependencies are done; when false the step is skipped.
   */
  readonly when?: string;
  /** Higher runs first when several are ready (priority scheduler, topological order). */
  readonly priority?: number;
  /** Retries after a failure. */
  readonly retry?: RetryPolicy;
  /** Timeout of each attempt, in milliseconds (overrides the tool's). */
  readonly timeoutMs?: number;
  /** Expected duration, in milliseconds, for the critical path and estimates. */
  readonly estimateMs?: number;
  /** Save a checkpoint when this step completes. */
  readonly checkpoint?: boolean;
  /** A human-readable title. */
  readonly title?: string;
  /**
   * Tools to try instead of `tool`, in order, when the step keeps failing and the replan
   * policy uses the `alternative` strategy. Each must accept the step's input.
   */
  readonly fallback?: readonly string[];
  /**
   * A CEL expression over `output` (and `steps`, `context`) that the step's result must
   * satisfy; when it is false, the result is unexpected: the step fails and may trigger a
   * replan.
   */
  readonly expect?: string;
}

/** A plan as planners, YAML files and code write it. */
export interface PlanInput {
  /** What the plan achieves. */
  readonly goal: string;
  /** The steps, in any order (dependencies decide the order). */
  readonly steps: readonly StepInput[];
  /** The step whose output is the run's answer; by default the last sink in plan order. */
  readonly output?: string;
  /** A plan id; one is made up when absent. */
  readonly id?: string;
}

/** A normalized step: defaults filled in, references found. */
export interface Step {
  /** The step's id, unique in its plan. */
  readonly id: string;
  /** The name of the tool the step calls. */
  readonly tool: string;
  /** The tool's input; `${{ }}` references are resolved when the step starts. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Deduplicated, in the order written. */
  readonly dependsOn: readonly string[];
  /** A condition (CEL) that must hold for the step to run; otherwise it is skipped. */
  readonly when: string | undefined;
  /** Higher runs first among ready steps (0 when not given). */
  readonly priority: number;
  /** How often and how soon a failed attempt is tried again. */
  readonly retry: Required<RetryPolicy>;
  /** How long one attempt may take, in milliseconds (the tool's default when not given). */
  readonly timeoutMs: number | undefined;
  /** The expected duration in milliseconds, for the critical path (0 when not given). */
  readonly estimateMs: number;
  /** Whether a checkpoint is saved when the step completes. */
  readonly checkpoint: boolean;
  /** A short description for people, shown in progress output. */
  readonly title: string | undefined;
  /** Step ids this step's input reads. */
  readonly reads: readonly string[];
  /** Tools to fall back to, in order. */
  readonly fallback: readonly string[];
  /** What the step's output must satisfy (CEL over `output`). */
  readonly expect: string | undefined;
}

/** A validated, immutable, versioned plan. */
export interface Plan {
  /** The plan's id, kept by every version of it. */
  readonly id: string;
  /** 1 for a new plan; each replan adds one. */
  readonly version: number;
  /** What the plan is for, in words. */
  readonly goal: string;
  /** In the order written. */
  readonly steps: readonly Step[];
  /** The step whose output is the run's answer. */
  readonly output: string | undefined;
  /** Steps that save a checkpoint when they complete. */
  readonly checkpoints: readonly string[];
  /** Makespan of the critical path over step estimates, in milliseconds. */
  readonly estimatedDurationMs: number;
  /** The critical path, as step ids. */
  readonly criticalPath: readonly string[];
  /** Slack of each step over the estimates, in milliseconds. */
  readonly slackMs: Readonly<Record<string, number>>;
  /** Parallel levels: steps of a level can run together once earlier levels are done. */
  readonly levels: readonly (readonly string[])[];
  /** The deterministic execution order (priority, then plan order). */
  readonly order: readonly string[];
  /** The plan this one was derived from. */
  readonly parent: { readonly id: string; readonly version: number } | undefined;
}
