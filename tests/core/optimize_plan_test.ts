import assert from "node:assert/strict";
import {
  createKernel,
  createOrchestrator,
  defineTool,
  memoryStore,
  parallelScheduler,
} from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

function pureTool(log: string[]) {
  return defineTool({
    name: "pure",
    description: "Doubles a number, recording the call",
    input: { type: "object", required: ["n"], properties: { n: { type: "number" } } },
    idempotent: true,
    run: ({ n }: { n: number }) => {
      log.push(String(n));
      return { n: n * 2 };
    },
  });
}

Deno.test("identical idempotent steps are merged, dependents redirected, results reported under both ids", async () => {
  const calls: string[] = [];
  const baton = createOrchestrator({ tools: [pureTool(calls)] });
  const run = baton.run({
    goal: "Merge",
    steps: [
      { id: "a", tool: "pure", input: { n: 2 } },
      { id: "a2", tool: "pure", input: { n: 2 } },
      { id: "b", tool: "pure", input: { n: "${{ steps.a.output.n }}" }, dependsOn: ["a"] },
      { id: "b2", tool: "pure", input: { n: "${{ steps.a2.output.n }}" }, dependsOn: ["a2"] },
      { id: "sum", tool: "pure", input: { n: "${{ steps.b2.output.n }}" }, dependsOn: ["b", "b2"] },
    ],
  });
  assert.deepEqual(run.plan.steps.map((s) => s.id), ["a", "b", "sum"]);
  const result = await run.result;
  assert.deepEqual(calls, ["2", "4", "8"]);
  assert.deepEqual(result.outputs, {
    a: { n: 4 },
    b: { n: 8 },
    sum: { n: 16 },
    a2: { n: 4 },
    b2: { n: 8 },
  });
  assert.equal(result.steps.b2, "completed");
  const [event] = await baton.history(run.id).events({ types: ["plan.optimized"] });
  assert.deepEqual(event!.data.mergedSteps, [["a2", "a"], ["b2", "b"]]);
});

Deno.test("implied dependencies are dropped and recorded; plans with conditions keep theirs", async () => {
  const baton = createOrchestrator({ tools: [workTool(callLog())] });
  const steps = [
    { id: "a", tool: "work", input: { id: "a" } },
    { id: "b", tool: "work", input: { id: "b" }, dependsOn: ["a"] },
    {
      id: "c",
      tool: "work",
      input: { id: "c", values: ["${{ steps.a.output.sum }}"] },
      dependsOn: ["a", "b"],
    },
  ];
  const run = baton.run({ goal: "Reduce", steps });
  assert.deepEqual(run.plan.steps[2]!.dependsOn, ["b"]);
  await run.result;
  const [event] = await baton.history(run.id).events({ types: ["plan.optimized"] });
  assert.deepEqual(event!.data.droppedDependencies, [["c", "a"]]);
  const withCondition = baton.run({
    goal: "Keep",
    steps: [...steps.slice(0, 2), { ...steps[2]!, when: "true" }],
  });
  assert.deepEqual(withCondition.plan.steps[2]!.dependsOn, ["a", "b"]);
  await withCondition.result;
});

Deno.test("non-idempotent and checkpoint steps are never merged; optimize: false leaves plans alone", async () => {
  const log = callLog();
  const baton = createOrchestrator({ tools: [workTool(log)] });
  const run = baton.run({
    goal: "Side effects",
    steps: [{ id: "x", tool: "work", input: { id: "same" } }, {
      id: "y",
      tool: "work",
      input: { id: "same" },
    }],
  });
  assert.equal(run.plan.steps.length, 2);
  await run.result;
  assert.equal(log.started.length, 2);
  const calls: string[] = [];
  const plain = createKernel({
    tools: [pureTool(calls)],
    plugins: [parallelScheduler(), memoryStore()],
    optimize: false,
  }).run({
    goal: "g",
    steps: [{ id: "p", tool: "pure", input: { n: 1 } }, { id: "q", tool: "pure", input: { n: 1 } }],
  });
  assert.equal(plain.plan.steps.length, 2);
  const result = await plain.result;
  assert.deepEqual(calls, ["1"], "the second call came from the per-run cache");
  assert.equal(
    (await createOrchestrator({ tools: [pureTool([])] }).run({
      goal: "g",
      steps: [{ id: "k", tool: "pure", input: { n: 1 }, checkpoint: true }, {
        id: "k2",
        tool: "pure",
        input: { n: 1 },
        checkpoint: true,
      }],
    })).plan.steps.length,
    2,
  );
  assert.equal(result.status, "completed");
});
