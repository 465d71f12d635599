/** Where a step is in its life. */
export type StepState =
  | "pending"
  | "ready"
  | "running"
  | "completed"
  | "failed"
  | "skipped"
  | "retrying";

const LEGAL: Readonly<Record<StepState, readonly StepState[]>> = {
  pending: ["ready", "skipped", "failed"],
  ready: ["running", "skipped"],
  running: ["completed", "failed", "retrying"],
  retrying: ["ready", "failed"],
  completed: [],
  failed: [],
  skipped: [],
};

/**
 * Checks a state change. An illegal one is a bug in Baton or a plugin, never bad input, so
 * it throws a plain `Error`.
 *
 * @param stepId The step, for the message.
 * @param from The current state.
 * @param to The next state.
 * @returns `to`.
 * @throws {Error} When the change is not allowed.
 *
 * @example Allowed and refused changes
 * ```ts
 * import { transition } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * assert.equal(transition("a", "ready", "running"), "running");
 * assert.throws(() => transition("a", "completed", "running"), /Illegal step transition/);
 * ```
 */
export function transition(stepId: string, from: StepState, to: StepState): StepState {
  if (!LEGAL[from].includes(to)) {
    throw new Error(`Illegal step transition for "${stepId}": ${from} -> ${to}`);
  }
  return to;
}
