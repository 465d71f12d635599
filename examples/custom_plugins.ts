/**
 * The code of docs/plugins.md: a scheduler, a tool, a replan strategy and a planner, built
 * from scratch, and a run that uses the scheduler and the tool. Run it with `deno run examples/custom_plugins.ts`.
 *
 * @module
 */
import {
  createOrchestrator,
  defineTool,
  type PlanInput,
  type Planner,
  planToInput,
  type ReplanStrategy,
  type Scheduler,
  type Step,
  type Tool,
} from "../mod.ts";

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
    // It only ever starts the shortest ready steps: the kernel keeps them in that order and hands
    // `select` just the ones that may start.
    queue: { rank: (step) => step.estimateMs, concurrency },
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

// --- A replan strategy: substitute tools ------------------------------------------------------------

/** Options of {@linkcode substituteStrategy}. */
export interface SubstituteOptions {
  /** For a tool that fails, the tool to use instead (it must accept the same input). */
  readonly tools: Readonly<Record<string, string>>;
}

/** When a step's tool fails, runs the step again with a substitute tool; else does not apply. */
export function substituteStrategy(options: SubstituteOptions): ReplanStrategy {
  return {
    name: "substitute",
    kind: "replan",
    replan(ctx) {
      const step = ctx.plan.steps.find((s) => s.id === ctx.trigger.stepId);
      const substitute = step && options.tools[step.tool];
      if (step === undefined || substitute === undefined) return undefined;
      const input = planToInput(ctx.plan);
      return {
        plan: {
          ...input,
          steps: input.steps.map((s) => s.id === step.id ? { ...s, tool: substitute } : s),
        },
        reason: `"${step.tool}" failed; "${substitute}" stands in for it`,
      };
    },
  };
}

// --- A planner: plans from templates ---------------------------------------------------------------

/** Plans a goal from the first template whose keyword the goal contains; no model needed. */
export function templatePlanner(templates: Readonly<Record<string, PlanInput>>): Planner {
  return {
    name: "templates",
    kind: "planner",
    plan(request) {
      if (request.replan) return undefined; // Templates cannot replan: other strategies may.
      const keyword = Object.keys(templates).find((k) => request.goal.includes(k));
      if (keyword === undefined) return undefined;
      const plan = { ...templates[keyword]!, goal: request.goal };
      const errors = request.validate(plan);
      if (errors.length > 0) throw new Error(`Template "${keyword}" is invalid: ${errors[0]}`);
      return plan;
    },
  };
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
