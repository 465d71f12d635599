// Adding up resources, written once for every place that keeps a total.
import type { Usage } from "./tool.ts";

/** A running total of resources. */
export interface Total {
  tokens: number;
  apiCalls: number;
  costUsd: number;
}

/** Adds `usage` to `total` in place and returns `total`. */
export function addUsage(total: Total, usage: Usage): Total {
  total.tokens += usage.tokens ?? 0;
  total.apiCalls += usage.apiCalls ?? 0;
  total.costUsd += usage.costUsd ?? 0;
  return total;
}

/** A zero total. */
export function noUsage(): Total {
  return { tokens: 0, apiCalls: 0, costUsd: 0 };
}
