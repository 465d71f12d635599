// Immutable copies of plain JSON, for validated plans.
import type { Step } from "./plan.ts";

/** Freezes a value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (Array.isArray(value)) {
      for (const v of value) deepFreeze(v);
    } else {
      for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}

/** Freezes a new step and everything in it. */
export function freezeStep(step: Step): Step {
  deepFreeze(step.input);
  Object.freeze(step.dependsOn);
  Object.freeze(step.retry);
  Object.freeze(step.reads);
  Object.freeze(step.fallback);
  return Object.freeze(step);
}

/** A copy of a plain JSON value (already checked by the input guard). */
export function cloneJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = cloneJson(v);
  }
  return out as T;
}
