// Tools for kernel tests: they record what ran, in what order, and can fail on demand.
import { createOrchestrator, defineTool, memoryStore, type Tool } from "../mod.ts";

/** A log of tool calls, shared by the tools of one test. */
export interface CallLog {
  readonly started: string[];
  readonly finished: string[];
  /** `start:ID` and `end:ID` in the order they happened. */
  readonly timeline: string[];
  running: number;
  peak: number;
}

export function callLog(): CallLog {
  return { started: [], finished: [], timeline: [], running: 0, peak: 0 };
}

/**
 * `work`: returns `{ id, sum }` where sum adds its `values` (outputs of dependencies); waits
 * `delayMs` first (0 = a microtask). Records start and finish in the log.
 */
export function workTool(log: CallLog): Tool {
  return defineTool({
    name: "work",
    description: "Adds numbers after an optional delay, recording the call",
    input: {
      type: "object",
      required: ["id"],
      properties: {
        id: { type: "string" },
        values: { type: "array", items: { type: "number" } },
        delayMs: { type: "number", minimum: 0 },
      },
    },
    run: async (
      { id, values = [], delayMs = 0 }: { id: string; values?: number[]; delayMs?: number },
      ctx,
    ) => {
      log.started.push(id);
      log.timeline.push(`start:${id}`);
      log.running++;
      log.peak = Math.max(log.peak, log.running);
      try {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        else await Promise.resolve();
        if (ctx.signal.aborted) throw ctx.signal.reason;
        return { id, sum: values.reduce((a, b) => a + b, 1) };
      } finally {
        log.running--;
        log.finished.push(id);
        log.timeline.push(`end:${id}`);
      }
    },
  });
}

/** `flaky`: fails the first `failures` calls for each `key`, then returns `{ ok: true, attempts }`. */
export function flakyTool(): Tool {
  const calls = new Map<string, number>();
  return defineTool({
    name: "flaky",
    description: "Fails a given number of times, then succeeds",
    input: {
      type: "object",
      required: ["key", "failures"],
      properties: { key: { type: "string" }, failures: { type: "integer", minimum: 0 } },
    },
    run: ({ key, failures }: { key: string; failures: number }) => {
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      if (n <= failures) throw new Error(`flaky failure ${n} of ${failures}`);
      return { ok: true, attempts: n };
    },
  });
}

/** `hang`: never resolves and ignores its signal. */
export const hangTool: Tool = defineTool({
  name: "hang",
  description: "Never finishes and ignores cancellation",
  input: { type: "object" },
  run: () => new Promise(() => {}),
});

/** `spend`: reports `tokens` tokens and `costUsd` dollars. */
export const spendTool: Tool = defineTool({
  name: "spend",
  description: "Reports resource use",
  input: {
    type: "object",
    properties: { tokens: { type: "number" }, costUsd: { type: "number" }, n: { type: "number" } },
  },
  run: ({ tokens = 0, costUsd = 0 }: { tokens?: number; costUsd?: number }, ctx) => {
    ctx.report({ tokens, costUsd });
    return { tokens };
  },
});

/** A chain plan a -> b -> ... of `work` steps, each adding its predecessor's sum. */
export function chainPlan(n: number) {
  return {
    goal: `A chain of ${n} steps`,
    steps: Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      tool: "work",
      input: i === 0
        ? { id: `s${i}` }
        : { id: `s${i}`, values: [`\${{ steps.s${i - 1}.output.sum }}`] },
      ...(i === 0 ? {} : { dependsOn: [`s${i - 1}`] }),
    })),
  };
}

/** An orchestrator with the tools above (`work` recording into `log`) and an in-memory store. */
export function testOrchestrator(
  plugins: Parameters<typeof createOrchestrator>[0]["plugins"] = [],
) {
  const log = callLog();
  const store = memoryStore();
  const baton = createOrchestrator({
    tools: [workTool(log), flakyTool(), hangTool, spendTool],
    plugins,
    store,
  });
  return { log, store, baton };
}

/** A `flaky` step that fails `failures` times, with its retry policy. */
export const flakyStep = (
  id: string,
  failures: number,
  retry: { max: number; backoffMs: number },
) => ({ id, tool: "flaky", input: { key: id, failures }, retry });
