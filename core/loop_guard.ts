// The limits and loop detection of one run: what is spent, and whether a limit trips.
import type { Limits } from "./limits.ts";
import type { Tool, Usage } from "./tool.ts";
import { addUsage } from "./_usage.ts";

/** A tripped limit: its name, and why, in words a person understands. */
export interface Trip {
  readonly limit: string;
  readonly reason: string;
}

/** What a resumed run has already spent. */
export interface Spent {
  readonly usage: Required<Usage>;
  readonly attempts: number;
  readonly retries: number;
  readonly replans?: number;
}

/** A run state reached by a replan: its plan's size, and a key made on demand. */
export interface RunStateKey {
  /** The number of steps in the plan. */
  readonly size: number;
  /** Identifies the plan's steps and which of them are done; equal states give equal keys. */
  key(): string;
}

/**
 * Counts what a run spends (step attempts, retries, tokens, API calls, money, calls of a tool
 * with the same input) and says which limit, if any, a next move would trip. It decides
 * nothing: the run loop stops when told of a trip.
 */
export class LoopGuard {
  #limits: Required<Limits>;
  readonly #repeats = new Map<string, number>();
  /** Resources reported so far. */
  readonly usage = { tokens: 0, apiCalls: 0, costUsd: 0 };
  /** Step attempts so far, retries included. */
  attempts = 0;
  /** Retries so far. */
  retries = 0;
  /** Replans so far, rejected proposals included. */
  replans = 0;
  /** Replans since a step last completed. */
  #idleReplans = 0;
  /** The run states (plan and completed steps) replans reached, by plan size, with a count. */
  readonly #states = new Map<number, { state: RunStateKey; seen: number }[]>();

  constructor(limits: Required<Limits>, spent?: Spent) {
    this.#limits = limits;
    if (spent) {
      Object.assign(this.usage, spent.usage);
      this.attempts = spent.attempts;
      this.retries = spent.retries;
      this.replans = spent.replans ?? 0;
    }
  }

  /** The limits in force. */
  get limits(): Required<Limits> {
    return this.#limits;
  }

  /**
   * Lowers or raises limits while the run is going; returns the limit the spending so far
   * already crosses, if any.
   */
  update(limits: Required<Limits>): Trip | undefined {
    this.#limits = limits;
    return this.report({}) ??
      (this.attempts > limits.maxSteps
        ? {
          limit: "maxSteps",
          reason:
            `The run has made ${this.attempts} step attempts, more than the new limit of ${limits.maxSteps}`,
        }
        : undefined);
  }

  /** A step completed: the run is making progress. */
  progressed(): void {
    this.#idleReplans = 0;
  }

  /** Before asking for a replan: whether the run may replan at all. */
  canReplan(): Trip | undefined {
    if (this.replans >= this.#limits.maxReplans) {
      return {
        limit: "maxReplans",
        reason: `The run reached its limit of ${this.#limits.maxReplans} replans`,
      };
    }
    return undefined;
  }

  /**
   * After a replan: counts it (and `rejected` invalid proposals) against `maxReplans`, and
   * watches for no progress and for a run state that recurs. `state` identifies the plan and
   * the steps done.
   */
  replanned(rejected: number, state: RunStateKey | undefined): Trip | undefined {
    const limits = this.#limits;
    this.replans += rejected + (state === undefined ? 0 : 1);
    this.#idleReplans += rejected + (state === undefined ? 0 : 1);
    if (this.#idleReplans > limits.maxIdleReplans) {
      return {
        limit: "noProgress",
        reason:
          `${this.#idleReplans} replans in a row completed no step (limit ${limits.maxIdleReplans}); the run makes no progress`,
      };
    }
    if (state !== undefined) {
      const seen = this.#seen(state);
      if (seen > limits.maxRepeats) {
        return {
          limit: "stateRecurrence",
          reason:
            `The run came back to the same plan with the same steps done ${seen} times (limit ${limits.maxRepeats}); it is going round in circles`,
        };
      }
    }
    return this.replans > limits.maxReplans
      ? { limit: "maxReplans", reason: `The run used its limit of ${limits.maxReplans} replans` }
      : undefined;
  }

  /** Counts a state reached; states are compared only with states of plans of their size. */
  #seen(state: RunStateKey): number {
    let same = this.#states.get(state.size);
    if (same === undefined) this.#states.set(state.size, same = []);
    const key = same.length === 0 ? "" : state.key();
    const entry = same.find((e) => e.state.key() === key);
    if (entry !== undefined) return ++entry.seen;
    same.push({ state, seen: 1 });
    return 1;
  }

  /** Before a step starts: the step cap, and a declared cost that would cross the budget. */
  admit(stepId: string, tool: Tool): Trip | undefined {
    const limits = this.#limits;
    if (this.attempts >= limits.maxSteps) {
      return {
        limit: "maxSteps",
        reason: `The run reached its limit of ${limits.maxSteps} step attempts`,
      };
    }
    const cost = tool.cost?.costUsd;
    if (cost !== undefined && this.usage.costUsd + cost > limits.maxCostUsd) {
      return {
        limit: "maxCostUsd",
        reason:
          `Starting "${stepId}" ($${cost}) would take the run past its budget of $${limits.maxCostUsd} ($${this.usage.costUsd} spent)`,
      };
    }
    return undefined;
  }

  /** A step attempt started. */
  started(): void {
    this.attempts++;
  }

  /**
   * A call of `tool` with the input whose canonical form is `key`. Retries (`fresh` false) and
   * cacheable tools do not count: retries are bounded by their policy, cached calls cost
   * nothing.
   */
  repeat(tool: Tool, key: string, fresh: boolean): Trip | undefined {
    const seen = (this.#repeats.get(key) ?? 0) + (fresh ? 1 : 0);
    this.#repeats.set(key, seen);
    if (seen <= this.#limits.maxRepeats || (tool.idempotent && tool.cache !== false)) {
      return undefined;
    }
    return {
      limit: "repetition",
      reason:
        `Tool "${tool.name}" was called ${seen} times with the same input (limit ${this.#limits.maxRepeats}); the run looks stuck in a loop`,
    };
  }

  /** Resources a step reported. */
  report(usage: Usage): Trip | undefined {
    const limits = this.#limits;
    const u = addUsage(this.usage, usage);
    if (u.tokens > limits.maxTokens) {
      return {
        limit: "maxTokens",
        reason: `Steps used ${u.tokens} tokens, more than the limit of ${limits.maxTokens}`,
      };
    }
    if (u.apiCalls > limits.maxApiCalls) {
      return {
        limit: "maxApiCalls",
        reason: `Steps made ${u.apiCalls} API calls, more than the limit of ${limits.maxApiCalls}`,
      };
    }
    if (u.costUsd > limits.maxCostUsd) {
      return {
        limit: "maxCostUsd",
        reason: `Steps spent $${u.costUsd}, more than the budget of $${limits.maxCostUsd}`,
      };
    }
    return undefined;
  }

  /** Before a retry: counts it, unless the run's retries are used up. */
  retry(): Trip | undefined {
    if (this.retries >= this.#limits.maxRetries) {
      return {
        limit: "maxRetries",
        reason: `The run reached its limit of ${this.#limits.maxRetries} retries`,
      };
    }
    this.retries++;
    return undefined;
  }
}
