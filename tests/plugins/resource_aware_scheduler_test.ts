import assert from "node:assert/strict";
import { createOrchestrator, defineTool, resourceAwareScheduler } from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

function tools() {
  const log = callLog();
  const work = workTool(log);
  const llm = defineTool({ ...work, name: "llm", cost: { tokens: 100, apiCalls: 1 } });
  return { log, tools: [work, llm] };
}

const many = (tool: string, n: number, delayMs = 5) => ({
  goal: "Many",
  steps: Array.from(
    { length: n },
    (_, i) => ({ id: `${tool}${i}`, tool, input: { id: `${tool}${i}`, delayMs } }),
  ),
});

Deno.test("resourceAwareScheduler() keeps a tool within its concurrency", async () => {
  const { log, tools: t } = tools();
  const baton = createOrchestrator({
    tools: t,
    plugins: [resourceAwareScheduler({ tools: { work: { concurrency: 3 } } })],
  });
  const result = await baton.run(many("work", 12)).result;
  assert.equal(result.status, "completed");
  assert.equal(log.peak, 3);
});

Deno.test("resourceAwareScheduler() starts other tools' steps while one tool waits at its limit, in priority order", async () => {
  const { log, tools: t } = tools();
  const baton = createOrchestrator({
    tools: t,
    plugins: [resourceAwareScheduler({ concurrency: 3, tools: { work: { concurrency: 1 } } })],
  });
  // Many `work` steps come first in the plan and are ready first; `llm` steps come after them.
  const plan = {
    goal: "Two tools",
    steps: [
      ...many("work", 30, 10).steps,
      ...many("llm", 6, 10).steps.map((s, i) => ({ ...s, priority: i === 5 ? 1 : 0 })),
    ],
  };
  const result = await baton.run(plan).result;
  assert.equal(result.status, "completed");
  // One `work` call at a time, and the two other slots go to `llm` from the start: the `llm`
  // steps are not stuck behind the waiting `work` steps.
  const firstThree = log.started.slice(0, 3);
  assert.equal(firstThree.filter((id) => id.startsWith("work")).length, 1);
  assert.deepEqual(firstThree.filter((id) => id.startsWith("llm")), ["llm5", "llm0"]);
  assert.equal(log.started.filter((id) => id.startsWith("llm")).length, 6);
  const llmDone = Math.max(
    ...["llm0", "llm1", "llm2", "llm3", "llm4", "llm5"].map((id) => log.finished.indexOf(id)),
  );
  assert.ok(
    llmDone < log.finished.indexOf("work29"),
    "every llm step ends before the last work step",
  );
});

Deno.test("resourceAwareScheduler() respects a rate limit by waiting, not by failing the run", async () => {
  const { log, tools: t } = tools();
  const baton = createOrchestrator({
    tools: t,
    plugins: [resourceAwareScheduler({ tools: { work: { perSecond: 4 } } })],
  });
  const run = baton.run(many("work", 6, 0));
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.equal(log.started.length, 6);
  const starts = (await baton.history(run.id).decisions()).map((d) => d.ts);
  // Any four consecutive starts after the first window span less than a second only if the
  // limit was broken; the fifth start comes at least a second after the first.
  assert.ok(
    starts[4]! - starts[0]! >= 990,
    `fifth start ${starts[4]! - starts[0]!} ms after the first`,
  );
});

Deno.test("resourceAwareScheduler() does not start steps whose declared cost would cross a budget", async () => {
  const { log, tools: t } = tools();
  const baton = createOrchestrator({
    tools: t,
    plugins: [resourceAwareScheduler({ tokens: 250 })],
  });
  const result = await baton.run(many("llm", 5)).result;
  assert.equal(log.started.length, 2);
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "scheduler");
  assert.match(result.reason!, /Scheduler "resource-aware" started none of 3 ready steps/);
  assert.throws(
    () => resourceAwareScheduler({ tools: { x: { perSecond: 0 } } }),
    /perSecond must be more than 0/,
  );
});
