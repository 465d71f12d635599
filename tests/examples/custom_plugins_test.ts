import assert from "node:assert/strict";
import { createOrchestrator } from "../../mod.ts";
import { shortestFirstScheduler, wordCountTool } from "../../examples/custom_plugins.ts";

Deno.test("the plugin guide's scheduler and tool work together", async () => {
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
  assert.deepEqual(result.outputs, {
    long: { counts: [3, 2], total: 5 },
    short: { counts: [1], total: 1 },
  });
  const decisions = await baton.history(run.id).decisions();
  assert.deepEqual(decisions.map((d) => [d.stepId, d.reason]), [
    ["short", "shortest estimate (5 ms)"],
    ["long", "shortest estimate (50 ms)"],
  ]);
  assert.throws(
    () => shortestFirstScheduler({ concurrency: 0 }),
    /shortestFirstScheduler: concurrency/,
  );
});

Deno.test("the guide's tool reports progress and its input is checked", async () => {
  const baton = createOrchestrator({ tools: [wordCountTool()] });
  const run = baton.run({
    goal: "Many texts",
    steps: [{
      id: "n",
      tool: "text.wordcount",
      input: { texts: Array.from({ length: 250 }, () => "w w") },
    }],
  });
  assert.equal((await run.result).output && (await run.result).status, "completed");
  const progress = await baton.history(run.id).events({ types: ["tool.progress"] });
  assert.deepEqual(progress.map((e) => e.data.message), [
    "counted 100 of 250",
    "counted 200 of 250",
  ]);
  assert.throws(
    () =>
      baton.run({ goal: "g", steps: [{ id: "n", tool: "text.wordcount", input: { texts: [1] } }] }),
    /texts\[0\]: Expected string/,
  );
});

Deno.test("the guide's replan strategy and planner: a template plan, a substitute tool", async () => {
  const { substituteStrategy, templatePlanner } = await import(
    "../../examples/custom_plugins.ts"
  );
  const { defineTool } = await import("../../mod.ts");
  const down = defineTool({
    name: "count.remote",
    description: "A remote counter that is down",
    input: { type: "object", required: ["texts"], properties: { texts: { type: "array" } } },
    run: () => {
      throw new Error("remote counter is down");
    },
  });
  const baton = createOrchestrator({
    tools: [wordCountTool(), down],
    plugins: [
      templatePlanner({
        count: {
          goal: "template",
          steps: [{ id: "n", tool: "count.remote", input: { texts: ["one two"] } }],
        },
      }),
      substituteStrategy({ tools: { "count.remote": "text.wordcount" } }),
    ],
  });
  const run = await baton.runGoal("count the words");
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { counts: [2], total: 2 });
  const [replan] = await baton.history(run.id).replans();
  assert.equal(replan!.strategy, "substitute");
  assert.match(replan!.reason, /"text.wordcount" stands in for it/);
  await assert.rejects(baton.runGoal("something else"), /offered no valid plan/);
});
