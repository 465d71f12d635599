/**
 * Replanning, step by step, with no model and no network (`deno run examples/replanning.ts`):
 *
 * 1. A step's tool fails and its `fallback:` tool runs instead (plan version 2).
 * 2. A branch fails for good: `partial` drops it and the rest of the plan finishes.
 * 3. A person intervenes mid-run; the planner (here a script of plans) rewrites what is left.
 * 4. Replanning keeps failing: the policy pauses the run until a person sends a plan.
 * 5. A step runs past its share of the run's deadline and is switched to its fallback tool.
 *
 * Each part prints the run's plan versions, the trigger and the decision with its reason.
 *
 * @module
 */
import {
  completeStrategy,
  createOrchestrator,
  defineTool,
  type Orchestrator,
  partialStrategy,
  type PlanInput,
  retryStrategy,
  type RunHandle,
  staticPlanner,
} from "../mod.ts";

const search = defineTool({
  name: "search.primary",
  description: "Searches the primary index (down today)",
  input: { type: "object", required: ["q"], properties: { q: { type: "string" } } },
  run: () => {
    throw new Error("503 from the primary index");
  },
});
const backup = defineTool({
  name: "search.backup",
  description: "Searches the backup index",
  input: { type: "object", required: ["q"], properties: { q: { type: "string" } } },
  run: ({ q }: { q: string }) => ({ hits: [`${q}: result from the backup index`] }),
});
const write = defineTool({
  name: "write",
  description: "Writes text after a short pause",
  input: { type: "object", required: ["text"], properties: { text: {} } },
  run: async ({ text }: { text: unknown }) => {
    await new Promise((r) => setTimeout(r, 30));
    return { text: String(text) };
  },
});
const slow = defineTool({
  name: "search.slow",
  description: "Searches an index that answers slowly today (it honours cancellation)",
  input: { type: "object", required: ["q"], properties: { q: { type: "string" } } },
  run: (_: { q: string }, ctx) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ hits: ["late"] }), 10_000);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      });
    }),
});
const tools = [search, backup, write, slow];

async function report(baton: Orchestrator, run: RunHandle): Promise<void> {
  const result = await run.result;
  console.log(`  status ${result.status}, plan version ${result.planVersion}`);
  for (const r of await baton.history(run.id).replans()) {
    const where = r.trigger.stepId ? ` of "${r.trigger.stepId}"` : "";
    console.log(
      `  replan: ${r.trigger.kind}${where} -> ${r.strategy ?? r.outcome} (v${
        r.version ?? "-"
      }): ${r.reason}`,
    );
  }
  console.log(`  outputs: ${JSON.stringify(result.outputs)}\n`);
}

console.log("1. A failing tool with a fallback");
{
  const baton = createOrchestrator({ tools });
  const run = baton.run({
    goal: "Find and summarise",
    steps: [
      { id: "find", tool: "search.primary", fallback: ["search.backup"], input: { q: "baton" } },
      {
        id: "sum",
        tool: "write",
        dependsOn: ["find"],
        input: { text: "${{ steps.find.output.hits }}" },
      },
    ],
  });
  await report(baton, run);
}

console.log("2. A failed branch is dropped; the rest goes on");
{
  const baton = createOrchestrator({ tools, plugins: [partialStrategy()] });
  const run = baton.run({
    goal: "Two sources",
    steps: [
      { id: "primary", tool: "search.primary", input: { q: "a" } },
      { id: "use_primary", tool: "write", dependsOn: ["primary"], input: { text: "p" } },
      { id: "other", tool: "search.backup", input: { q: "b" } },
      { id: "use_other", tool: "write", dependsOn: ["other"], input: { text: "o" } },
    ],
  });
  await report(baton, run);
}

console.log("3. A person changes the remaining plan");
{
  const rewritten: PlanInput = {
    goal: "Draft, then translate",
    steps: [
      { id: "draft", tool: "write", input: { text: "draft" } },
      { id: "translate", tool: "write", dependsOn: ["draft"], input: { text: "traduction" } },
    ],
  };
  const baton = createOrchestrator({
    tools,
    plugins: [completeStrategy(), staticPlanner(rewritten)],
  });
  const run = baton.run({
    goal: "Draft, then publish",
    steps: [
      { id: "draft", tool: "write", input: { text: "draft" } },
      { id: "publish", tool: "write", dependsOn: ["draft"], input: { text: "published" } },
    ],
  });
  setTimeout(() => run.intervene("Translate it instead of publishing"), 10);
  await report(baton, run);
}

console.log("4. Replanning keeps failing: the run pauses until a person sends a plan");
{
  const baton = createOrchestrator({
    tools,
    plugins: [retryStrategy({ max: 1, backoffMs: 10 })],
    replan: { whenExhausted: "pause" },
  });
  const run = baton.run({
    goal: "Search",
    steps: [{ id: "find", tool: "search.primary", input: { q: "baton" } }],
  });
  for await (const event of run.events()) {
    if (event.type === "run.waiting") {
      console.log(`  waiting: ${event.data.reason}`);
      run.intervene("Use the backup index", {
        plan: {
          goal: "Search",
          steps: [{ id: "find", tool: "search.backup", input: { q: "baton" } }],
        },
      });
    }
  }
  await report(baton, run);
}

console.log("5. A step runs past its share of the run's deadline");
{
  // The estimated makespan is 100 ms and the deadline 2 s, so each step's share is its estimate
  // times 20: "find" may run for 1 s before a replan switches it to its fallback tool.
  const baton = createOrchestrator({
    tools,
    replan: { rules: [{ on: "deadline", use: ["alternative"] }] },
  });
  const run = baton.run({
    goal: "Find in time",
    steps: [
      {
        id: "find",
        tool: "search.slow",
        fallback: ["search.backup"],
        input: { q: "baton" },
        estimateMs: 50,
      },
      {
        id: "sum",
        tool: "write",
        dependsOn: ["find"],
        input: { text: "${{ steps.find.output.hits }}" },
        estimateMs: 50,
      },
    ],
  }, { limits: { maxDurationMs: 2_000 } });
  await report(baton, run);
}
