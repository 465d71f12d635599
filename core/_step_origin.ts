// Step inputs made from validated steps. They are frozen, so one that comes back unchanged in a
// later plan version can be taken as the step it was made from without checking it again.
import type { Step, StepInput } from "./plan.ts";

// The step an input was made from is kept in a private field added to the input object: it
// does not show in its keys, JSON or copies, and reading it is far cheaper than a WeakMap.
class Returns {
  constructor(value: object) {
    return value;
  }
}

class Origin extends Returns {
  readonly #step: Step;

  constructor(value: object, step: Step) {
    super(value);
    this.#step = step;
  }

  static of(value: object): Step | undefined {
    return #step in value ? (value as Origin).#step : undefined;
  }
}

/** The input form of a validated step: frozen, and remembered as made from `step`. */
export function stepToInput(step: Step): StepInput {
  // Optional fields are added one by one: spreads of conditional objects cost far more.
  const input: { -readonly [K in keyof StepInput]: StepInput[K] } = {
    id: step.id,
    tool: step.tool,
    input: step.input,
    dependsOn: step.dependsOn,
    priority: step.priority,
    retry: step.retry,
    estimateMs: step.estimateMs,
    checkpoint: step.checkpoint,
  };
  if (step.when !== undefined) input.when = step.when;
  if (step.timeoutMs !== undefined) input.timeoutMs = step.timeoutMs;
  if (step.title !== undefined) input.title = step.title;
  if (step.fallback.length > 0) input.fallback = step.fallback;
  if (step.expect !== undefined) input.expect = step.expect;
  new Origin(input, step);
  return Object.freeze(input);
}

/** The validated step a value was made from by `stepToInput`, if it was. */
export function originOf(value: unknown): Step | undefined {
  return typeof value === "object" && value !== null ? Origin.of(value) : undefined;
}
