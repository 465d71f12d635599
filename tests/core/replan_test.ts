// Replan scenarios: fallbacks, partial and complete replans, interventions, rollback, triggers.
import assert from "node:assert/strict";
import {
  completeStrategy,
  createOrchestrator,
  defineTool,
  emptyRunState,
  foldRunEvents,
  manualClock,
  memoryStore,
  partialStrategy,
  type PlanInput,
  type Planner,
  retryStrategy,
  staticPlanner,
} from "../../mod.ts";
import { tools } from "./_replan_tools.ts";

Deno.test("a step whose tool fails runs its fallback tool; completed steps are not run again", async () => {
  const { log, tools: list } = tools();
  const baton = createOrchestrator({ tools: list });
  const run = baton.run({
    goal: "Fetch and add",
    steps: [
      { id: "first", tool: "work", input: { id: "first" } },
      {
        id: "fetch",
        tool: "broken",
        input: { id: "fetch" },
        fallback: ["backup"],
        dependsOn: ["first"],
      },
      {
        id: "sum",
        tool: "work",
        input: { id: "sum", values: ["${{ steps.fetch.output.sum }}"] },
        dependsOn: ["fetch"],
      },
    ],
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { id: "sum", sum: 101 });
  assert.equal(result.planVersion, 2);
  assert.deepEqual(log.started, ["first", "sum"], "the completed step ran once");
  assert.equal(run.versions.length, 2);
  assert.equal(run.plan.steps.find((s) => s.id === "fetch")!.tool, "backup");
  const replans = await baton.history(run.id).replans();
  assert.equal(replans.length, 1);
  assert.equal(replans[0]!.trigger.kind, "failure");
  assert.equal(replans[0]!.trigger.stepId, "fetch");
  assert.equal(replans[0]!.strategy, "alternative");
  assert.match(replans[0]!.reason, /fallback "backup"/);
  assert.deepEqual(replans[0]!.diff!.changed, [{ id: "fetch", fields: ["tool", "fallback"] }]);
});

Deno.test("steps that fail together move to their fallbacks in one version, not one replan each", async () => {
  const { tools: list } = tools();
  const baton = createOrchestrator({ tools: list, limits: { maxReplans: 3 } });
  const width = 40;
  const run = baton.run({
    goal: "Fetch from a service that is down",
    steps: Array.from({ length: width }, (_, i) => ({
      id: `fetch${i}`,
      tool: "broken",
      input: { id: `f${i}` },
      fallback: ["backup"],
    })),
  });
  const result = await run.result;
  assert.equal(result.status, "completed", result.reason ?? "");
  assert.equal(Object.keys(result.outputs).length, width);
  assert.ok(run.plan.steps.every((s) => s.tool === "backup"));
  const replans = await baton.history(run.id).replans();
  assert.ok(replans.length <= 3, `${replans.length} replans`);
  const together = replans.find((r) => (r.trigger.also?.length ?? 0) > 0);
  assert.ok(together, "a replan answered several failures");
  assert.match(together.reason, /and the fallbacks of \d+ more steps that failed too/);
  // Every step that failed was answered by a replan, its own or one it was part of.
  const answered = new Set(replans.flatMap((r) => [r.trigger.stepId!, ...(r.trigger.also ?? [])]));
  assert.equal(answered.size, width);
});

Deno.test("partial: branches that fail together are dropped by one replan", async () => {
  const { log, tools: list } = tools();
  const baton = createOrchestrator({ tools: list, plugins: [partialStrategy()] });
  const width = 6;
  const run = baton.run({
    goal: "Many branches, several broken",
    steps: [
      { id: "a", tool: "work", input: { id: "a", delayMs: 20 } },
      ...Array.from({ length: width }, (_, i) => [
        { id: `bad${i}`, tool: "broken", input: { id: `bad${i}` } },
        { id: `after${i}`, tool: "work", input: { id: `after${i}` }, dependsOn: [`bad${i}`] },
      ]).flat(),
      { id: "b", tool: "work", input: { id: "b" }, dependsOn: ["a"] },
    ],
    output: "b",
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(run.plan.steps.map((s) => s.id).sort(), ["a", "b"]);
  assert.deepEqual(log.started.sort(), ["a", "b"]);
  const replans = await baton.history(run.id).replans();
  assert.ok(replans.length < width, `${replans.length} replans for ${width} failed branches`);
  const removed = replans.flatMap((r) => r.diff!.removed);
  assert.equal(removed.length, 2 * width);
  assert.ok(replans.some((r) => /and \d+ more failed steps/.test(r.reason)));
});

Deno.test("partial: a failed branch is dropped and the rest of the plan goes on", async () => {
  const { log, tools: list } = tools();
  const baton = createOrchestrator({ tools: list, plugins: [partialStrategy()] });
  const run = baton.run({
    goal: "Two branches",
    steps: [
      { id: "a", tool: "work", input: { id: "a", delayMs: 20 } },
      { id: "bad", tool: "broken", input: {} },
      { id: "after_bad", tool: "work", input: { id: "after_bad" }, dependsOn: ["bad"] },
      { id: "b", tool: "work", input: { id: "b" }, dependsOn: ["a"] },
    ],
    output: "b",
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(Object.keys(result.outputs).sort(), ["a", "b"]);
  assert.deepEqual(run.plan.steps.map((s) => s.id).sort(), ["a", "b"]);
  assert.deepEqual(log.started.sort(), ["a", "b"]);
  const [replan] = await baton.history(run.id).replans();
  assert.equal(replan!.strategy, "partial");
  assert.deepEqual(replan!.diff!.removed, ["bad", "after_bad"]);
});

Deno.test("a person's intervention mid-run changes the remaining plan", async () => {
  const { log, tools: list } = tools();
  const next: PlanInput = {
    goal: "Report, in French",
    steps: [
      { id: "draft", tool: "work", input: { id: "draft", delayMs: 30 } },
      { id: "translate", tool: "work", input: { id: "translate" }, dependsOn: ["draft"] },
    ],
  };
  const baton = createOrchestrator({
    tools: list,
    plugins: [completeStrategy(), staticPlanner(next)],
  });
  const run = baton.run({
    goal: "Report",
    steps: [
      { id: "draft", tool: "work", input: { id: "draft", delayMs: 30 } },
      { id: "publish", tool: "work", input: { id: "publish" }, dependsOn: ["draft"] },
    ],
  });
  await new Promise((r) => setTimeout(r, 5));
  run.intervene("Translate it to French instead of publishing");
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(Object.keys(result.outputs).sort(), ["draft", "translate"]);
  assert.deepEqual(log.started, ["draft", "translate"], "draft kept running and ran once");
  const events = await baton.history(run.id).events({
    types: ["intervention.received", "plan.replanned"],
  });
  assert.deepEqual(events.map((e) => e.type), ["intervention.received", "plan.replanned"]);
  assert.equal(events[0]!.data.message, "Translate it to French instead of publishing");
  assert.equal((events[1]!.data.trigger as { kind: string }).kind, "intervention");
  assert.equal(events[1]!.data.strategy, "complete");
});

Deno.test("an intervention with a plan cancels a running step it changes", async () => {
  let aborted = false;
  const slow = defineTool({
    name: "slow",
    description: "Waits until aborted",
    input: { type: "object", properties: { n: { type: "number" } } },
    run: (_: unknown, ctx) =>
      new Promise((_, reject) => {
        ctx.signal.addEventListener("abort", () => {
          aborted = true;
          reject(ctx.signal.reason);
        });
      }),
  });
  const { tools: list } = tools();
  const baton = createOrchestrator({ tools: [...list, slow] });
  const run = baton.run({
    goal: "Wait",
    steps: [{ id: "wait", tool: "slow", input: { n: 1 } }],
  });
  await new Promise((r) => setTimeout(r, 5));
  run.intervene("Stop waiting", {
    plan: { goal: "Do it now", steps: [{ id: "wait", tool: "work", input: { id: "now" } }] },
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.equal(aborted, true, "the replaced running step was aborted");
  assert.deepEqual(result.output, { id: "now", sum: 1 });
  const cancelled = await baton.history(run.id).events({ types: ["step.cancelled"] });
  assert.equal(cancelled.length, 1);
  assert.match(String(cancelled[0]!.data.reason), /Replaced by plan version 2/);
});

Deno.test("an invalid replan is rejected, recorded and counted; a valid candidate wins", async () => {
  const { tools: list } = tools();
  const cyclic: PlanInput = {
    goal: "g",
    steps: [
      { id: "x", tool: "work", input: { id: "x" }, dependsOn: ["y"] },
      { id: "y", tool: "work", input: { id: "y" }, dependsOn: ["x"] },
    ],
  };
  const unknownTool: PlanInput = { goal: "g", steps: [{ id: "x", tool: "nope" }] };
  const good: PlanInput = { goal: "g", steps: [{ id: "fixed", tool: "backup", input: {} }] };
  const planner: Planner = {
    name: "scripted",
    kind: "planner",
    plan: () => [cyclic, unknownTool, good],
  };
  const baton = createOrchestrator({ tools: list, plugins: [completeStrategy(), planner] });
  const run = baton.run({ goal: "g", steps: [{ id: "bad", tool: "broken" }] });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.equal(result.replans, 3, "two rejected candidates and one replan");
  const rejected = await baton.history(run.id).events({ types: ["replan.rejected"] });
  assert.equal(rejected.length, 2);
  assert.match(String(rejected[0]!.data.error), /cycle/i);
  assert.match(String(rejected[1]!.data.error), /Unknown tool "nope"/);
});

Deno.test("an unexpected result (expect: is false) triggers a replan", async () => {
  const { tools: list } = tools();
  const baton = createOrchestrator({
    tools: list,
    plugins: [
      completeStrategy(),
      staticPlanner({
        goal: "g",
        steps: [{ id: "other", tool: "backup", input: {} }],
      }),
    ],
  });
  const run = baton.run({
    goal: "g",
    steps: [{ id: "check", tool: "work", input: { id: "check" }, expect: "output.sum > 5" }],
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  const [replan] = await baton.history(run.id).replans();
  assert.equal(replan!.trigger.kind, "unexpected");
  assert.match(String(replan!.trigger.error), /does not meet expect "output.sum > 5"/);
});

Deno.test("rollback continues from an earlier version; shared completed steps keep results", async () => {
  const { log, tools: list } = tools();
  const baton = createOrchestrator({ tools: list });
  const v1: PlanInput = {
    goal: "g",
    steps: [
      { id: "a", tool: "work", input: { id: "a" } },
      { id: "b", tool: "work", input: { id: "b", delayMs: 40 }, dependsOn: ["a"] },
    ],
  };
  const run = baton.run(v1);
  await new Promise((r) => setTimeout(r, 10));
  run.intervene("Try c instead", {
    plan: {
      goal: "g",
      steps: [
        { id: "a", tool: "work", input: { id: "a" } },
        { id: "c", tool: "work", input: { id: "c", delayMs: 40 }, dependsOn: ["a"] },
      ],
    },
  });
  await new Promise((r) => setTimeout(r, 10));
  run.rollback(1);
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.equal(result.planVersion, 3);
  assert.deepEqual(Object.keys(result.outputs).sort(), ["a", "b"]);
  assert.equal(log.started.filter((id) => id === "a").length, 1, "a ran once");
  const versions = await baton.history(run.id).versions();
  assert.deepEqual(versions.map((v) => v.version), [1, 2, 3]);
  const diff = await baton.history(run.id).diff(2, 3);
  assert.deepEqual(diff.added, ["b"]);
  assert.deepEqual(diff.removed, ["c"]);
  assert.throws(() => run.rollback(1), /has ended/);
});

Deno.test("the folded state of a replanned run matches its result", async () => {
  const { tools: list } = tools();
  const store = memoryStore();
  const baton = createOrchestrator({ tools: list, store, plugins: [partialStrategy()] });
  const run = baton.run({
    goal: "g",
    steps: [
      { id: "a", tool: "work", input: { id: "a" } },
      { id: "bad", tool: "broken", input: {}, dependsOn: ["a"] },
      { id: "c", tool: "work", input: { id: "c" }, dependsOn: ["a"] },
    ],
  });
  const result = await run.result;
  const state = foldRunEvents(emptyRunState(), await store.read(run.id));
  assert.deepEqual(state.outputs, result.outputs);
  assert.equal(state.states.bad, undefined, "the dropped step's failure was reset");
  assert.equal(state.planVersion, 2);
  assert.equal(state.replans, 1);
});

Deno.test("a replan policy in YAML is checked against the loaded strategies", async () => {
  const { tools: list } = tools();
  const plugins = [partialStrategy(), retryStrategy({ max: 1, backoffMs: 0 })];
  assert.throws(
    () =>
      createOrchestrator({
        tools: list,
        plugins,
        replan: "rules:\n  - { on: failure, use: [partial, teleport] }\n",
      }),
    /replan\.rules\[0\]\.use\[1\]: unknown replan strategy "teleport" \(loaded: partial, retry\)/,
  );
  assert.throws(
    () =>
      createOrchestrator({
        tools: list,
        plugins,
        replan: { rules: [{ on: "boredom", use: "retry" }] } as never,
      }),
    /replan\.rules\[0\]\.on\[0\]: unknown trigger "boredom"/,
  );
  const baton = createOrchestrator({
    tools: list,
    plugins,
    replan: "rules:\n  - { on: failure, use: retry, max: 1 }\nwhenExhausted: stop\n",
  });
  const result = await baton.run({ goal: "g", steps: [{ id: "bad", tool: "broken" }] }).result;
  assert.equal(result.status, "stopped");
  assert.match(result.reason!, /used 1 times, its maximum/);
  assert.equal(result.planVersion, 2, "retry made one version before the rule ran out");
});

Deno.test("a step still running past its share of the run's deadline triggers a deadline replan", async () => {
  const clock = manualClock();
  const hang = defineTool({
    name: "hang",
    description: "Runs until it is aborted",
    input: { type: "object" },
    run: (_: unknown, ctx) =>
      new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))
      ),
  });
  const plan: PlanInput = {
    goal: "Fetch in time",
    steps: [
      { id: "slow", tool: "hang", estimateMs: 100, fallback: ["backup"] },
      {
        id: "sum",
        tool: "work",
        input: { id: "sum", values: ["${{ steps.slow.output.sum }}"] },
        dependsOn: ["slow"],
        estimateMs: 200,
      },
    ],
  };
  // Estimated makespan 300 ms against a 3,000 ms deadline: "slow" may take 1,000 ms.
  const limits = { maxDurationMs: 3_000 };
  const { tools: list } = tools();
  const baton = createOrchestrator({
    tools: [...list, hang],
    clock,
    replan: { rules: [{ on: "deadline", use: ["alternative"] }] },
  });
  const run = baton.run(plan, { limits });
  await clock.advance(999);
  assert.equal(run.plan.version, 1, "not a millisecond early");
  await clock.advance(1);
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { id: "sum", sum: 101 });
  const [replan] = await baton.history(run.id).replans();
  assert.equal(replan!.trigger.kind, "deadline");
  assert.match(
    replan!.trigger.error!,
    /still running after 1000 ms, its share of the run's 3000 ms/,
  );
  const cancelled = await baton.history(run.id).events({ types: ["step.cancelled"] });
  assert.deepEqual(cancelled.map((e) => e.stepId), ["slow"]);

  // Without a rule for `deadline`, a step may take as long as the run's deadline allows.
  const other = createOrchestrator({ tools: [...list, hang], clock });
  const waiting = other.run(plan, { limits });
  await clock.advance(2_999);
  assert.equal(waiting.plan.version, 1);
  await clock.advance(1);
  assert.equal((await waiting.result).limit, "maxDurationMs");
});
