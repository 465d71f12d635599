import type { Step } from "../../core/plan.ts";
import type { Scheduler, SchedulerView } from "../../core/scheduler.ts";
import { concurrencyOption, stepPosition } from "./_concurrency.ts";

/** Limits on one tool. */
export interface ToolBudget {
  /** Calls of this tool running at once. */
  readonly concurrency?: number;
  /** Calls started per rolling second (shared by every run of this scheduler). */
  readonly perSecond?: number;
}

/** Options of {@linkcode resourceAwareScheduler}. */
export interface ResourceAwareOptions {
  /** Steps running at once overall. @default {Infinity} */
  readonly concurrency?: number;
  /** Limits per tool name. */
  readonly tools?: Readonly<Record<string, ToolBudget>>;
  /** Tokens the run may use: a step whose tool declares a token cost that would cross it waits. */
  readonly tokens?: number;
  /** API calls the run may make, judged the same way from the tools' declared costs. */
  readonly apiCalls?: number;
}

/**
 * Starts ready steps (highest priority first, then plan order) while respecting resource
 * budgets: per-tool concurrency, per-tool rate limits (calls started per second, shared by every
 * run this scheduler serves), and token and API-call budgets judged from the tools' declared
 * `cost`. When only rate-limited steps are ready it tells the kernel when to look again.
 *
 * @param options The budgets.
 * @returns The scheduler plugin.
 * @throws {RangeError} When a budget is not a positive number.
 *
 * @example Two model calls at a time, five per second
 * ```ts
 * import { createOrchestrator, resourceAwareScheduler } from "@baton/baton";
 *
 * const baton = createOrchestrator({
 *   tools: [],
 *   plugins: [resourceAwareScheduler({ tools: { "llm.chat": { concurrency: 2, perSecond: 5 } } })],
 * });
 * ```
 */
export function resourceAwareScheduler(options: ResourceAwareOptions = {}): Scheduler {
  const concurrency = concurrencyOption("resourceAwareScheduler", options.concurrency, Infinity);
  const budgets = new Map(Object.entries(options.tools ?? {}));
  for (const [tool, b] of budgets) {
    if (b.concurrency !== undefined) {
      concurrencyOption(`resourceAwareScheduler: tool "${tool}"`, b.concurrency, 1);
    }
    if (b.perSecond !== undefined && !(b.perSecond > 0)) {
      throw new RangeError(
        `resourceAwareScheduler: tool "${tool}": perSecond must be more than 0, got ${b.perSecond}`,
      );
    }
  }
  for (const key of ["tokens", "apiCalls"] as const) {
    const v = options[key];
    if (v !== undefined && !(v >= 0)) {
      throw new RangeError(`resourceAwareScheduler: ${key} must be at least 0, got ${v}`);
    }
  }
  /** Start times per rate-limited tool, oldest first. */
  const starts = new Map<string, number[]>();
  const recent = (tool: string, now: number) => {
    const list = (starts.get(tool) ?? []).filter((t) => now - t < 1000);
    starts.set(tool, list);
    return list;
  };

  function plan(ready: readonly Step[], view: SchedulerView) {
    const running = new Map<string, number>();
    for (const s of view.runningSteps) running.set(s.tool, (running.get(s.tool) ?? 0) + 1);
    const position = stepPosition(view.plan);
    const ordered = [...ready].sort((a, b) =>
      b.priority - a.priority || position.get(a.id)! - position.get(b.id)!
    );
    let room = Math.max(0, Math.min(view.slots, concurrency - view.running));
    // Declared costs are reported when a call ends: count running calls as spent already.
    let tokens = view.usage.tokens;
    let apiCalls = view.usage.apiCalls;
    for (const s of view.runningSteps) {
      const cost = view.tools.get(s.tool)?.cost;
      tokens += cost?.tokens ?? 0;
      apiCalls += cost?.apiCalls ?? 0;
    }
    const picks: { step: Step; reason: string }[] = [];
    let earliestWait: number | undefined;
    for (const step of ordered) {
      if (room === 0) break;
      const budget = budgets.get(step.tool);
      const busy = running.get(step.tool) ?? 0;
      if (budget?.concurrency !== undefined && busy >= budget.concurrency) continue;
      if (budget?.perSecond !== undefined) {
        const list = recent(step.tool, view.now);
        const planned = picks.filter((p) => p.step.tool === step.tool).length;
        if (list.length + planned >= budget.perSecond) {
          const wait = 1000 - (view.now - list[0]!);
          earliestWait = Math.min(earliestWait ?? Infinity, Math.max(1, wait));
          continue;
        }
      }
      const cost = view.tools.get(step.tool)?.cost;
      if (options.tokens !== undefined && tokens + (cost?.tokens ?? 0) > options.tokens) continue;
      if (options.apiCalls !== undefined && apiCalls + (cost?.apiCalls ?? 0) > options.apiCalls) {
        continue;
      }
      tokens += cost?.tokens ?? 0;
      apiCalls += cost?.apiCalls ?? 0;
      running.set(step.tool, busy + 1);
      room--;
      const why = budget
        ? `within the budget of "${step.tool}" (${busy + 1} running${
          budget.perSecond ? `, ${budget.perSecond}/s` : ""
        })`
        : "no budget applies";
      picks.push({ step, reason: `priority ${step.priority}; ${why}` });
    }
    return { picks, earliestWait };
  }

  return {
    name: "resource-aware",
    kind: "scheduler",
    // Every reason to pass over a step (its tool's limits and declared cost) is its tool's, so
    // the kernel keeps a lane per tool and a round looks at each tool's next steps only.
    queue: { rank: (step) => -step.priority, lane: (step) => step.tool, concurrency },
    select(ready, view) {
      const { picks } = plan(ready, view);
      for (const { step } of picks) {
        if (budgets.get(step.tool)?.perSecond !== undefined) {
          recent(step.tool, view.now).push(view.now);
        }
      }
      return picks.map(({ step, reason }) => ({ stepId: step.id, reason }));
    },
    retryAfterMs(ready, view) {
      return plan(ready, view).earliestWait;
    },
  };
}
