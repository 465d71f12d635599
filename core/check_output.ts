// What a step's result must be before it is kept: JSON, small enough, and as expected.
import type { Condition, ConditionScope } from "./conditions.ts";
import { checkSchema } from "./json_schema.ts";
import type { Step } from "./plan.ts";
import type { Tool } from "./tool.ts";

/** A result that is not what the plan expected: a replan trigger, never retried as is. */
export class UnexpectedResult extends Error {
  override name = "UnexpectedResultError";
}

/** What the output check needs besides the output. */
export interface OutputCheck {
  /** The largest output kept, as JSON bytes. */
  readonly maxOutputBytes: number;
  /** The step's compiled `expect:` condition. */
  readonly expect: Condition | undefined;
  /** What the condition sees besides the output. */
  readonly scope: Omit<ConditionScope, "output">;
}

/**
 * Turns a tool's output into the plain JSON kept in history: it must be JSON (a `TypeError`),
 * at most `maxOutputBytes` (a `RangeError`), valid against the tool's output schema and meet
 * the step's `expect:` condition (an `UnexpectedResult` otherwise).
 *
 * @returns The output as plain JSON.
 */
export function checkStepOutput(
  tool: Tool,
  step: Step,
  output: unknown,
  check: OutputCheck,
): unknown {
  const json = output === undefined ? "null" : JSON.stringify(output);
  if (json === undefined) {
    throw new TypeError(`Tool "${tool.name}" returned a value that is not JSON`);
  }
  if (json.length > check.maxOutputBytes) {
    throw new RangeError(
      `Tool "${tool.name}" returned ${json.length} bytes, more than maxOutputBytes (${check.maxOutputBytes})`,
    );
  }
  const value = JSON.parse(json);
  if (tool.output) {
    const issue = checkSchema(tool.output, value, "output");
    if (issue) {
      throw new UnexpectedResult(`${issue.path}: ${issue.message} (output of tool "${tool.name}")`);
    }
  }
  if (check.expect !== undefined) {
    let met: unknown;
    try {
      met = check.expect({ ...check.scope, output: value });
    } catch (error) {
      throw new UnexpectedResult(`expect "${step.expect}" failed: ${(error as Error).message}`);
    }
    if (met !== true) {
      throw new UnexpectedResult(`The output does not meet expect "${step.expect}"`);
    }
  }
  return value;
}
