import type { RunEvent } from "./events.ts";
import type { ReplanTrigger } from "./planner.ts";
import type { StepState } from "./step_state.ts";
import { addUsage } from "./_usage.ts";
import { idRecord } from "./_id_record.ts";

/**
 * A run's state as a fold over its events: what resume needs. Steps that were running when the
 * log ends are not in `states` (they run again); nothing else is.
 */
export interface RunState {
  /** The last event folded in. */
  seq: number;
  /** Outputs of completed steps. */
  outputs: Record<string, unknown>;
  /** Steps that reached a final state: completed, failed or skipped. */
  states: Record<string, StepState>;
  /** Attempts made per step. */
  attempts: Record<string, number>;
  /** Resources reported so far. */
  usage: { tokens: number; apiCalls: number; costUsd: number };
  /** Retries so far. */
  retries: number;
  /** Replans made, rejected proposals included. */
  replans?: number;
  /** The plan version being run. */
  planVersion?: number;
  /** How the run ended, when it did. */
  ended?: string;
  /** The trigger a paused run waits to answer, until an intervention or a new version. */
  waiting?: ReplanTrigger;
}

/** The state before any event. */
export function emptyRunState(): RunState {
  return {
    seq: 0,
    outputs: idRecord(),
    states: idRecord(),
    attempts: idRecord(),
    usage: { tokens: 0, apiCalls: 0, costUsd: 0 },
    retries: 0,
  };
}

/**
 * Folds events into a state (in place) and returns it. Events must follow `state.seq`.
 *
 * @param state The state so far (from `emptyRunState()` or a checkpoint).
 * @param events Later events, in order.
 * @returns `state`.
 * @throws {RangeError} When an event does not follow the state's sequence number.
 *
 * @example Folding a completed step
 * ```ts
 * import { emptyRunState, foldRunEvents } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const state = foldRunEvents(emptyRunState(), [
 *   { seq: 1, runId: "r", type: "step.started", ts: 0, stepId: "a", planVersion: 1, data: { attempt: 1 }, impact: "info" },
 *   { seq: 2, runId: "r", type: "step.completed", ts: 1, stepId: "a", planVersion: 1, data: { output: 42 }, impact: "info" },
 * ]);
 * assert.deepEqual(state.outputs, { a: 42 });
 * ```
 */
export function foldRunEvents(state: RunState, events: readonly RunEvent[]): RunState {
  for (const e of events) {
    if (e.seq !== state.seq + 1) {
      throw new RangeError(`Event ${e.seq} does not follow ${state.seq}: the log has a gap`);
    }
    state.seq = e.seq;
    const id = e.stepId;
    const usage = e.data.usage as Partial<RunState["usage"]> | undefined;
    if (usage) addUsage(state.usage, usage);
    switch (e.type) {
      case "step.started":
        state.attempts[id!] = Number(e.data.attempt);
        break;
      case "step.retrying":
        state.retries++;
        break;
      case "step.completed":
        state.states[id!] = "completed";
        state.outputs[id!] = e.data.output;
        break;
      case "step.failed":
        state.states[id!] = "failed";
        break;
      case "replan.rejected":
        state.replans = (state.replans ?? 0) + 1;
        break;
      case "plan.replanned":
        // Steps the new version starts afresh lose their old state.
        for (const reset of (e.data.reset ?? []) as string[]) {
          delete state.states[reset];
          delete state.outputs[reset];
        }
        state.replans = (state.replans ?? 0) + 1;
        state.planVersion = Number(e.data.version);
        delete state.waiting;
        break;
      case "run.waiting":
        state.waiting = e.data.trigger as ReplanTrigger;
        break;
      case "intervention.received":
        delete state.waiting;
        break;
      case "step.skipped":
        state.states[id!] = "skipped";
        break;
      case "run.completed":
      case "run.failed":
      case "run.stopped":
      case "run.cancelled":
        state.ended = e.type.slice(4);
        break;
    }
  }
  return state;
}
