// Compiled conditions by expression, so that a plan version that keeps a step's condition does
// not compile it again (a CEL expression takes tens of microseconds to compile).
import type { Condition, ConditionLanguage } from "./conditions.ts";

/**
 * The language with its compiled conditions kept by expression text, the oldest dropped past
 * `max`. A malformed expression is not kept: it throws each time it is compiled.
 */
export function cachedConditions(language: ConditionLanguage, max = 4096): ConditionLanguage {
  const compiled = new Map<string, Condition>();
  return {
    name: language.name,
    kind: language.kind,
    compile(expression: string): Condition {
      let condition = compiled.get(expression);
      if (condition === undefined) {
        condition = language.compile(expression);
        if (compiled.size >= max) compiled.delete(compiled.keys().next().value!);
        compiled.set(expression, condition);
      }
      return condition;
    },
  };
}
