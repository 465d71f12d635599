/** Options shared by every Baton error. */
export interface BatonErrorOptions {
  /** The error that led to this one. */
  readonly cause?: unknown;
}

/**
 * The root of Baton's error family: catch it to catch anything Baton throws on purpose.
 *
 * @example Catch any Baton error
 * ```ts
 * import { BatonError, PlanError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const error = new PlanError("Step id must be a string", { path: "steps[0].id" });
 * assert.ok(error instanceof BatonError);
 * ```
 */
export class BatonError extends Error {
  /**
   * Makes an error with a message and, optionally, its cause.
   *
   * @param message A sentence a person understands, without a trailing period.
   * @param options The cause, if any.
   */
  constructor(message: string, options: BatonErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BatonError";
  }
}

/** Options of {@linkcode PlanError}. */
export interface PlanErrorOptions extends BatonErrorOptions {
  /** Where in the plan input the problem is, such as `steps[2].input.url`. */
  readonly path: string;
  /** 1-based line of the problem in a YAML or JSON file, when known. */
  readonly line?: number;
  /** 1-based column of the problem in a YAML or JSON file, when known. */
  readonly column?: number;
}

/**
 * A plan is malformed: the message says what, `path` says where. A plan with any error runs
 * nothing.
 *
 * @example The path to the bad field
 * ```ts
 * import { PlanError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const error = new PlanError("Unknown tool \"fs.raed\"", { path: "steps[1].tool" });
 * assert.equal(error.path, "steps[1].tool");
 * assert.equal(error.message, "steps[1].tool: Unknown tool \"fs.raed\"");
 * ```
 */
export class PlanError extends BatonError {
  /** Where in the plan input the problem is. */
  readonly path: string;
  /** 1-based line in the source file, when known. */
  readonly line: number | undefined;
  /** 1-based column in the source file, when known. */
  readonly column: number | undefined;

  /**
   * Makes a plan error; its message starts with the path (and line and column) of the bad field.
   *
   * @param message What is wrong.
   * @param options Where it is.
   */
  constructor(message: string, options: PlanErrorOptions) {
    const position = options.line === undefined
      ? ""
      : `line ${options.line}, column ${options.column ?? 1}`;
    const where = options.path === ""
      ? position
      : position === ""
      ? options.path
      : `${options.path} (${position})`;
    super(where === "" ? message : `${where}: ${message}`, options);
    this.name = "PlanError";
    this.path = options.path;
    this.line = options.line;
    this.column = options.column;
  }
}

/**
 * A plan's dependencies form a cycle; `cycle` lists the step ids in path order: each step is
 * a dependency of the next, and the last is a dependency of the first.
 *
 * @example The cycle path
 * ```ts
 * import { CycleError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const error = new CycleError(["a", "b"]);
 * assert.equal(error.message, "steps: Dependency cycle: a -> b -> a");
 * ```
 */
export class CycleError extends PlanError {
  /** The step ids of the cycle, in dependency order. */
  readonly cycle: readonly string[];

  /**
   * Makes the error for a dependency cycle, naming its steps in order.
   *
   * @param cycle The step ids, in order.
   * @param options Where the cycle was found.
   */
  constructor(cycle: readonly string[], options: Partial<PlanErrorOptions> = {}) {
    super(`Dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`, {
      ...options,
      path: options.path ?? "steps",
    });
    this.name = "CycleError";
    this.cycle = cycle;
  }
}

/** Options of {@linkcode PluginError}. */
export interface PluginErrorOptions extends BatonErrorOptions {
  /** The name of the plugin at fault. */
  readonly plugin: string;
}

/**
 * A plugin is invalid or failed: registering a duplicate name, missing a required hook, or
 * throwing from a hook.
 *
 * @example Naming the plugin
 * ```ts
 * import { PluginError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const error = new PluginError("Scheduler has no select() hook", { plugin: "my-scheduler" });
 * assert.equal(error.plugin, "my-scheduler");
 * ```
 */
export class PluginError extends BatonError {
  /** The plugin at fault. */
  readonly plugin: string;

  /**
   * Makes an error naming the plugin at fault.
   *
   * @param message What is wrong.
   * @param options The plugin's name and the cause.
   */
  constructor(message: string, options: PluginErrorOptions) {
    super(`Plugin "${options.plugin}": ${message}`, options);
    this.name = "PluginError";
    this.plugin = options.plugin;
  }
}

/** Options of {@linkcode LimitError}. */
export interface LimitErrorOptions extends BatonErrorOptions {
  /** The limit that was reached, such as `maxSteps`. */
  readonly limit: string;
}

/**
 * A limit or guard stopped the work. Runs do not throw it: their result says so and keeps
 * what was done. It is thrown where a single operation cannot go on (a plan past the step cap).
 *
 * @example The limit's name
 * ```ts
 * import { LimitError } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * const error = new LimitError("Plan has 20001 steps, more than 10000", { limit: "maxPlanSteps" });
 * assert.equal(error.limit, "maxPlanSteps");
 * ```
 */
export class LimitError extends BatonError {
  /** The limit that was reached. */
  readonly limit: string;

  /**
   * Makes the error for a limit that was reached.
   *
   * @param message What was reached.
   * @param options The limit's name.
   */
  constructor(message: string, options: LimitErrorOptions) {
    super(message, options);
    this.name = "LimitError";
    this.limit = options.limit;
  }
}
