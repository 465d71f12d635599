/** What a condition sees: completed steps' outputs and the run's context. */
export interface ConditionScope {
  /**
   * `steps.ID.output` for every completed step, by step id. A map, so that a condition is
   * evaluated without copying the steps of a large plan.
   */
  readonly steps: ReadonlyMap<string, { readonly output: unknown }>;
  /** The run's context, as given to `run()`. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The step's own output, for `expect:` expressions. */
  readonly output?: unknown;
}

/** A compiled condition: returns the expression's value, or throws when it cannot be evaluated. */
export type Condition = (scope: ConditionScope) => unknown;

/**
 * The language of `when:` conditions, as a plugin (the preset loads CEL). `compile` is called
 * when a plan is validated, so a malformed condition is a plan error. An orchestrator keeps what
 * it compiled by expression text (up to 4,096 expressions): later plans and plan versions with
 * the same expression reuse it, so `compile` must give a condition that depends only on its
 * expression.
 */
export interface ConditionLanguage {
  /** The plugin's name, as recorded in history. */
  readonly name: string;
  /** Marks the plugin as the condition language. */
  readonly kind: "conditions";
  /**
   * Compiles an expression.
   * @throws {SyntaxError} When the expression is malformed.
   */
  compile(expression: string): Condition;
}
