/**
 * The code of docs/plugins.md: a scheduler plugin and a tool, built from scratch, and a run
 * that uses both. Run it with `deno run examples/custom_plugins.ts`.
 *
 * @module
 */
import { createOrchestrator, defineTool, type Scheduler, type Step, type Tool } from "../mod.ts";

// --- A scheduler: shortest estimated job first --------------------------------------------------

/** Options of {@linkcode shortestFirstScheduler}. */
export interface ShortestFirstOptions {
  /** Steps running at once. @default {4} */
  readonly concurrency?: number;
}

/** Starts the ready steps with the smallest `estimateMs` first. */
export function shortestFirstScheduler(options: ShortestFirstOptions = {}): Scheduler {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `shortestFirstScheduler: concurrency must be a whole number of at least 1, got ${concurrency}`,
    );
  }
  return {
    name: "shortest-first",
    kind: "scheduler",
    select(ready: readonly Step[], view) {
      const room = Math.max(0, Math.min(view.slots, concurrency - view.running));
      return [...ready]
        .sort((a, b) => a.estimateMs - b.estimateMs)
        .slice(0, room)
        .map((step) => ({ stepId: step.id, reason: `shortest estimate (${step.estimateMs} ms)` }));
    },
  };
}

// --- A tool: word counts, with an input schema, a signal and progress events -------------------

/** `text.wordcount`: counts words in several texts, reporting progress. */
export function wordCountTool(): Tool {
  return defineTool({
    name: "text.wordcount",
    description: "Counts the words of each text",
    input: {
      type: "object",
      required: ["texts"],
      additionalProperties: false,
      properties: { texts: { type: "array", items: { type: "string" }, maxItems: 1000 } },
    },
    idempotent: true,
    run: ({ texts }: { texts: string[] }, ctx) => {
      const counts: number[] = [];
      for (const [i, text] of texts.entries()) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        counts.push(text.split(/\s+/).filter(Boolean).length);
        if (i % 100 === 99) ctx.emit(`counted ${i + 1} of ${texts.length}`);
      }
      return { counts, total: counts.reduce((a, b) => a + b, 0) };
    },
  });
}

// --- Using both -------------------------------------------------------------------------------------

if (import.meta.main) {
  const baton = createOrchestrator({
    tools: [wordCountTool()],
    plugins: [shortestFirstScheduler({ concurrency: 1 })],
  });
  const run = baton.run({
    goal: "Count words",
    steps: [
      { id: "long", tool: "text.wordcount", input: { texts: ["a b c", "d e"] }, estimateMs: 50 },
      { id: "short", tool: "text.wordcount", input: { texts: ["x"] }, estimateMs: 5 },
    ],
  });
  const result = await run.result;
  for (const d of await baton.history(run.id).decisions()) console.log(`${d.stepId}: ${d.reason}`);
  console.log(result.outputs);
}
