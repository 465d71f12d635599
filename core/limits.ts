/**
 * Limits of one run; hitting one stops the run cleanly and keeps what was done. Budget limits
 * (steps, retries, tokens, API calls, cost, repetition) start nothing new and let running
 * steps finish, keeping their results; the duration limit also aborts running steps.
 */
export interface Limits {
  /** Step attempts (retries count) in the whole run. @default {100_000} */
  readonly maxSteps?: number;
  /** Wall time of the run, in milliseconds. @default {3_600_000} */
  readonly maxDurationMs?: number;
  /** Retries in the whole run. @default {1_000} */
  readonly maxRetries?: number;
  /** Replans in the whole run, rejected proposals included. @default {20} */
  readonly maxReplans?: number;
  /**
   * Replans in a row with no step completed between them before the run is judged to make no
   * progress. @default {5}
   */
  readonly maxIdleReplans?: number;
  /** Model tokens reported by steps. @default {Infinity} */
  readonly maxTokens?: number;
  /** API calls reported by steps. @default {Infinity} */
  readonly maxApiCalls?: number;
  /** Money reported by steps, in US dollars; a step whose declared cost would cross it is not started. @default {Infinity} */
  readonly maxCostUsd?: number;
  /** Steps running at once, whatever the scheduler asks. @default {64} */
  readonly maxConcurrency?: number;
  /**
   * Calls of one tool with the same input, or returns of the run to a state it was in before
   * (the same plan with the same steps done), before the run is judged to loop. @default {5}
   */
  readonly maxRepeats?: number;
  /** Largest step output kept, as JSON bytes; larger outputs fail the step. @default {1_000_000} */
  readonly maxOutputBytes?: number;
}

/** The defaults of {@linkcode Limits}. */
export const DEFAULT_LIMITS: Required<Limits> = {
  maxSteps: 100_000,
  maxDurationMs: 3_600_000,
  maxRetries: 1_000,
  maxReplans: 20,
  maxIdleReplans: 5,
  maxTokens: Infinity,
  maxApiCalls: Infinity,
  maxCostUsd: Infinity,
  maxConcurrency: 64,
  maxRepeats: 5,
  maxOutputBytes: 1_000_000,
};

/**
 * Fills in defaults and checks every limit is a positive number.
 *
 * @param limits Limits given by the caller.
 * @returns Every limit.
 * @throws {RangeError} Naming the bad limit.
 *
 * @example Defaults fill the gaps
 * ```ts
 * import { resolveLimits } from "@baton/baton";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveLimits({ maxSteps: 10 }).maxSteps, 10);
 * assert.equal(resolveLimits({}).maxConcurrency, 64);
 * ```
 */
export function resolveLimits(limits: Limits = {}): Required<Limits> {
  const out = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`Unknown limit "${key}"`);
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
      throw new RangeError(`Limit ${key} must be a number of at least 0, got ${String(value)}`);
    }
    (out as Record<string, number>)[key] = value;
  }
  return out;
}
