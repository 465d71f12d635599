// The `concurrency` option every scheduler shares, and the step positions they order by.
import { planEdges } from "../../core/graph.ts";
import type { Plan } from "../../core/plan.ts";

/** Checks a scheduler's concurrency option: a whole number of at least 1, or Infinity. */
export function concurrencyOption(
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  const n = value ?? fallback;
  if (!(n === Infinity || (Number.isInteger(n) && n >= 1))) {
    throw new RangeError(
      `${name}: concurrency must be a whole number of at least 1, got ${String(value)}`,
    );
  }
  return n;
}

const orderPositions = new WeakMap<Plan, ReadonlyMap<string, number>>();

/** Each step's position in a plan version's topological order (made once per version). */
export function orderPosition(plan: Plan): ReadonlyMap<string, number> {
  let position = orderPositions.get(plan);
  if (position === undefined) {
    position = new Map(plan.order.map((id, i) => [id, i]));
    orderPositions.set(plan, position);
  }
  return position;
}

/** Each step's index in a plan version's list of steps (made once per version). */
export function stepPosition(plan: Plan): ReadonlyMap<string, number> {
  return planEdges(plan).index;
}
