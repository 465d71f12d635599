// The identity of a run state (the plan's steps and which of them are done), for the loop
// guard's recurrence check. Hashing a large plan costs far more than the rest of a replan, and
// two states can only be the same when their plans have as many steps, so the hash is made
// only when the guard meets two states of one size.
import type { Plan, Step } from "./plan.ts";
import type { RunStateKey } from "./loop_guard.ts";

/** Hashes of validated steps; steps carried from version to version are hashed once. */
const stepHashes = new WeakMap<object, readonly [number, number]>();

function hashStep(step: Step): readonly [number, number] {
  let hash = stepHashes.get(step);
  if (hash === undefined) {
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    const text = `${step.id}\u0000${step.tool}\u0000${
      JSON.stringify(step.input)
    }\u0000${step.dependsOn}`;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 16777619);
      h2 = Math.imul(h2 ^ c, 2246822507);
    }
    hash = [h1, h2];
    stepHashes.set(step, hash);
  }
  return hash;
}

/**
 * The state a replan reached: `plan` with the steps in `outputs` done. The ids done are copied
 * now (the map goes on changing); the hash is made on the first call of `key()`.
 */
export function runStateKey(plan: Plan, outputs: ReadonlyMap<string, unknown>): RunStateKey {
  const done = [...outputs.keys()];
  let key: string | undefined;
  return {
    size: plan.steps.length,
    key() {
      if (key !== undefined) return key;
      const isDone = new Set(done);
      let h1 = 0;
      let h2 = 0;
      for (const step of plan.steps) {
        const [a, b] = hashStep(step);
        const mark = isDone.has(step.id) ? 0x5bd1e995 : 0x27d4eb2d;
        h1 = Math.imul(h1 ^ a ^ mark, 16777619) + 1;
        h2 = Math.imul(h2 ^ b, 2246822507) ^ mark;
      }
      return key = `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}:${plan.steps.length}`;
    },
  };
}
