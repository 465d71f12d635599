// When replanning cannot go on: stops and pauses (across a crash too), loops, no progress, limits.
import assert from "node:assert/strict";
import {
  completeStrategy,
  createOrchestrator,
  emptyRunState,
  foldRunEvents,
  manualClock,
  memoryStore,
  type PlanInput,
  type ReplanStrategy,
  retryStrategy,
  staticPlanner,
} from "../../mod.ts";
import { tools } from "./_replan_tools.ts";

Deno.test("replanning that keeps failing stops with a clear reason", async () => {
  const { tools: list } = tools();
  const again: PlanInput = { goal: "g", steps: [{ id: "bad", tool: "broken", input: {} }] };
  const baton = createOrchestrator({
    tools: list,
    plugins: [completeStrategy(), staticPlanner(Array.from({ length: 50 }, () => again))],
    limits: { maxReplans: 3, maxIdleReplans: 100, maxRepeats: 100 },
  });
  const run = baton.run(again);
  const result = await run.result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "maxReplans");
  assert.match(result.reason!, /limit of 3 replans/);
  assert.equal(result.replans, 3);
});

Deno.test("replanning that keeps failing pauses the run until an intervention", async () => {
  const { tools: list } = tools();
  const baton = createOrchestrator({
    tools: list,
    plugins: [retryStrategy({ max: 1, backoffMs: 0 })],
    replan: { whenExhausted: "pause", rules: [{ on: "failure", use: "retry", max: 1 }] },
  });
  const run = baton.run({ goal: "g", steps: [{ id: "bad", tool: "broken", input: {} }] });
  const seen: string[] = [];
  for await (const event of run.events()) {
    seen.push(event.type);
    if (event.type === "run.waiting") break;
  }
  assert.ok(seen.includes("plan.replanned"), "the first failure was retried");
  assert.match(String((await baton.history(run.id).replans()).at(-1)!.reason), /used 1 times/);
  run.intervene("Use the backup service", {
    plan: { goal: "g", steps: [{ id: "bad", tool: "backup", input: {} }] },
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { sum: 100 });
});

Deno.test("a run paused for an intervention when its process died is still waiting when resumed", async () => {
  const { tools: list } = tools();
  const store = memoryStore();
  const setup = {
    tools: list,
    store,
    clock: manualClock(),
    plugins: [retryStrategy({ max: 1, backoffMs: 0 })],
    replan: { whenExhausted: "pause" as const, rules: [{ on: "failure" as const, use: "retry" }] },
  };
  const plan: PlanInput = {
    goal: "g",
    steps: [
      { id: "bad", tool: "broken", input: {} },
      { id: "after", tool: "work", input: { id: "after" }, dependsOn: ["bad"] },
    ],
  };
  // The first process pauses; it is then abandoned, as if it had died: its clock stands still,
  // so it never renews its lease, and the second process comes after the lease lapsed.
  const first = createOrchestrator(setup).run(plan, { runId: "paused" });
  for await (const event of first.events()) if (event.type === "run.waiting") break;
  assert.deepEqual(foldRunEvents(emptyRunState(), await store.read("paused")).waiting, {
    kind: "failure",
    stepId: "bad",
    error: "Error: the service is down",
  });

  const baton = createOrchestrator({ ...setup, clock: manualClock(60_000) });
  const run = await baton.resume("paused");
  let waits = 0;
  for await (const event of run.events()) {
    if (event.type === "step.skipped") assert.fail(`"${event.stepId}" was skipped`);
    if (event.type === "run.waiting" && ++waits === 2) {
      assert.equal(event.data.reason, "Resumed while waiting for an intervention");
      run.intervene("Use the backup service", {
        plan: {
          goal: "g",
          steps: [
            { id: "bad", tool: "backup", input: {} },
            { id: "after", tool: "work", input: { id: "after" }, dependsOn: ["bad"] },
          ],
        },
      });
    }
  }
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(Object.keys(result.outputs).sort(), ["after", "bad"]);
  const state = foldRunEvents(emptyRunState(), await store.read("paused"));
  assert.equal(state.waiting, undefined, "the intervention ended the pause");
  assert.equal(state.ended, "completed");
});

Deno.test("a strategy that brings back the same state is stopped as a loop", async () => {
  const { tools: list } = tools();
  const same: ReplanStrategy = {
    name: "same",
    kind: "replan",
    replan: (ctx) => ({
      plan: { goal: ctx.plan.goal, steps: [{ id: "bad", tool: "broken" }] },
      reason: "again",
    }),
  };
  const baton = createOrchestrator({ tools: list, plugins: [same], limits: { maxRepeats: 2 } });
  const result = await baton.run({ goal: "g", steps: [{ id: "bad", tool: "broken" }] }).result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "stateRecurrence");
  assert.match(result.reason!, /going round in circles/);
});

Deno.test("replans that never complete a step are stopped for no progress", async () => {
  const { tools: list } = tools();
  let n = 0;
  const fresh: ReplanStrategy = {
    name: "fresh",
    kind: "replan",
    replan: () => ({
      plan: { goal: "g", steps: [{ id: `bad${n++}`, tool: "broken" }] },
      reason: "new",
    }),
  };
  const baton = createOrchestrator({
    tools: list,
    plugins: [fresh],
    limits: { maxIdleReplans: 3 },
  });
  const events = baton.run({ goal: "g", steps: [{ id: "bad", tool: "broken" }] });
  const result = await events.result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "noProgress");
  const loops = await baton.history(events.id).events({ types: ["loop.detected"] });
  assert.equal(loops.length, 1);
});

Deno.test("lowering a limit mid-run stops the run when spending already crosses it", async () => {
  const { tools: list } = tools();
  const baton = createOrchestrator({ tools: list });
  const run = baton.run({
    goal: "g",
    steps: [
      { id: "a", tool: "work", input: { id: "a" } },
      { id: "b", tool: "work", input: { id: "b", delayMs: 30 }, dependsOn: ["a"] },
      { id: "c", tool: "work", input: { id: "c" }, dependsOn: ["b"] },
    ],
  });
  await new Promise((r) => setTimeout(r, 10));
  run.setLimits({ maxSteps: 1 });
  const result = await run.result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "maxSteps");
  assert.deepEqual(Object.keys(result.outputs).sort(), ["a", "b"], "the running step finished");
  const changed = await baton.history(run.id).events({ types: ["limits.changed"] });
  assert.deepEqual(changed[0]!.data.limits, { maxSteps: 1 });
});

Deno.test("when a step's fallbacks are used up and it fails again, the run stops with the reason", async () => {
  const { tools: list } = tools();
  const baton = createOrchestrator({ tools: list });
  const run = baton.run({
    goal: "g",
    steps: [{ id: "fetch", tool: "broken", input: {}, fallback: ["broken"] }],
  });
  const result = await run.result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "replan");
  assert.match(result.reason!, /Replanning "fetch" keeps failing: after 1 replan\(s\)/);
  assert.deepEqual(result.undone, ["fetch"]);
});
