// Step inputs made from validated steps. They are frozen, so one that comes back unchanged in a
// later plan version can be taken as the step it was made from without checking it again.
import type { Step, StepInput } from "./plan.ts";

const origins = new WeakMap<object, Step>();

/** The input form of a validated step: frozen, and remembered as made from `step`. */
export function stepToInput(step: Step): StepInput {
  const input: StepInput = Object.freeze({
    id: step.id,
    tool: step.tool,
    input: step.input,
    dependsOn: step.dependsOn,
    ...(step.when === undefined ? {} : { when: step.when }),
    priority: step.priority,
    retry: step.retry,
    estimateMs: step.estimateMs,
    checkpoint: step.checkpoint,
    ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
    ...(step.title === undefined ? {} : { title: step.title }),
    ...(step.fallback.length === 0 ? {} : { fallback: step.fallback }),
    ...(step.expect === undefined ? {} : { expect: step.expect }),
  });
  origins.set(input, step);
  return input;
}

/** The validated step a value was made from by `stepToInput`, if it was. */
export function originOf(value: unknown): Step | undefined {
  return typeof value === "object" && value !== null ? origins.get(value) : undefined;
}
