import type { StepState } from "./step_state.ts";
import type { Usage } from "./tool.ts";

/** How a run ended. */
export type RunStatus = "completed" | "failed" | "stopped" | "cancelled";

/** What a step that failed left behind. */
export interface StepFailure {
  /** The failed step's id. */
  readonly stepId: string;
  /** Its last error's message. */
  readonly error: string;
  /** How many attempts it made. */
  readonly attempts: number;
}

/**
 * The outcome of a run. A run that hits a limit or is cancelled still resolves with this: the
 * outputs of every completed step, and what was left undone.
 */
export interface RunResult {
  /** The run's id. */
  readonly runId: string;
  /** How the run ended. */
  readonly status: RunStatus;
  /** The output of the plan's output step, or undefined when it did not complete. */
  readonly output: unknown;
  /** The output of every completed step, by id. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The final state of every step, by id. */
  readonly steps: Readonly<Record<string, StepState>>;
  /** Steps that neither completed nor were skipped by design, in plan order. */
  readonly undone: readonly string[];
  /** The steps that failed for good, in the order they failed. */
  readonly failures: readonly StepFailure[];
  /** Why the run stopped early, in words a person understands. */
  readonly reason?: string;
  /** The limit or guard that stopped it (`maxSteps`, `repetition`, ...). */
  readonly limit?: string;
  /** Resources the steps reported. */
  readonly usage: Required<Usage>;
  /** Wall time from start to end, in milliseconds. */
  readonly durationMs: number;
  /** How many events the run recorded. */
  readonly events: number;
  /** The plan version the run ended on (1 when it never replanned). */
  readonly planVersion: number;
  /** Replans made, rejected proposals included. */
  readonly replans: number;
}
