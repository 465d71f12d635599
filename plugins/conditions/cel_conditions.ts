import { celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import type { Condition, ConditionLanguage } from "../../core/conditions.ts";

/**
 * `when:` conditions in CEL, the Common Expression Language, evaluated by `@bufbuild/cel`: a
 * real, side-effect-free evaluator (never `eval`). Conditions read `steps.ID.output...` and
 * `context.KEY`, such as `steps.check.output.count > 2 && context.mode == "full"`.
 *
 * @returns The conditions plugin (loaded by default).
 *
 * @example Compile and evaluate
 * ```ts
 * import { celConditions } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const when = celConditions().compile("steps.a.output.n > 2 && context.mode == 'full'");
 * const steps = new Map([["a", { output: { n: 3 } }]]);
 * assert.equal(when({ steps, context: { mode: "full" } }), true);
 * ```
 */
export function celConditions(): ConditionLanguage {
  // Made on first use: most plans have no conditions, and an environment is costly to build.
  let env: ReturnType<typeof celEnv> | undefined;
  return {
    name: "cel",
    kind: "conditions",
    compile(expression: string): Condition {
      let program: ReturnType<typeof plan>;
      try {
        env ??= celEnv();
        program = plan(env, parse(expression));
      } catch (error) {
        throw new SyntaxError(`Malformed CEL condition: ${(error as Error).message}`, {
          cause: error,
        });
      }
      return (scope) => {
        const value = program(
          { steps: scope.steps, context: scope.context, output: scope.output ?? null } as never,
        );
        if (isCelError(value)) throw new Error(`CEL: ${(value as Error).message}`);
        return value;
      };
    },
  };
}
