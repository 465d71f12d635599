import assert from "node:assert/strict";
import {
  createOrchestrator,
  CycleError,
  defineTool,
  memoryStore,
  PlanError,
  type RunEvent,
  sequentialScheduler,
} from "../../mod.ts";
import { callLog, chainPlan, flakyStep, testOrchestrator as setup, workTool } from "../_tools.ts";

async function allEvents(run: { events(): AsyncIterable<RunEvent> }): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of run.events()) out.push(e);
  return out;
}

/** Every started step has one final event, and sequence numbers have no gaps. */
function assertCompleteHistory(events: RunEvent[], stepIds: readonly string[]): void {
  events.forEach((e, i) => assert.equal(e.seq, i + 1, "sequence numbers without gaps"));
  for (const id of stepIds) {
    const mine = events.filter((e) => e.stepId === id).map((e) => e.type);
    const final = mine.filter((t) =>
      t === "step.completed" || t === "step.failed" || t === "step.skipped"
    );
    assert.equal(final.length, 1, `step ${id} has exactly one final event: ${mine.join(", ")}`);
    const starts = mine.filter((t) => t === "step.started").length;
    const ends = mine.filter((t) =>
      t === "step.completed" || t === "step.failed" || t === "step.retrying"
    ).length;
    assert.equal(starts, ends, `every start of ${id} has an end`);
  }
  assert.equal(events[0]!.type, "run.started");
  assert.match(events.at(-1)!.type, /^run\./);
}

Deno.test("a task of 6 steps with parallel branches succeeds and passes results along", async () => {
  const { baton, log } = setup();
  const run = baton.run({
    goal: "Fan out and join",
    steps: [
      { id: "src", tool: "work", input: { id: "src" } },
      {
        id: "l",
        tool: "work",
        input: { id: "l", values: ["${{ steps.src.output.sum }}"], delayMs: 5 },
        dependsOn: ["src"],
      },
      {
        id: "m",
        tool: "work",
        input: { id: "m", values: ["${{ steps.src.output.sum }}"], delayMs: 5 },
        dependsOn: ["src"],
      },
      {
        id: "r",
        tool: "work",
        input: { id: "r", values: ["${{ steps.src.output.sum }}"], delayMs: 5 },
        dependsOn: ["src"],
      },
      {
        id: "join",
        tool: "work",
        input: {
          id: "join",
          values: [
            "${{ steps.l.output.sum }}",
            "${{ steps.m.output.sum }}",
            "${{ steps.r.output.sum }}",
          ],
        },
        dependsOn: ["l", "m", "r"],
      },
      {
        id: "final",
        tool: "work",
        input: { id: "final", values: ["${{ steps.join.output.sum }}"] },
        dependsOn: ["join"],
      },
    ],
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  // 1 -> 1+1 on each branch -> 1+2+2+2 -> 1+7
  assert.deepEqual(result.output, { id: "final", sum: 8 });
  assert.deepEqual(result.undone, []);
  assert.equal(log.peak, 3, "the three branches ran at the same time");
  assertCompleteHistory(await allEvents(run), run.plan.steps.map((s) => s.id));
});

Deno.test("a 10,000-step chain runs to the end, each step once and in order", async () => {
  const { baton, log } = setup();
  const run = baton.run(chainPlan(10_000));
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { id: "s9999", sum: 10_000 });
  assert.equal(log.started.length, 10_000);
  assert.ok(log.started.every((id, i) => id === `s${i}`));
  const events = await baton.history(run.id).events();
  assert.equal(events.length, result.events);
  events.forEach((e, i) => assert.equal(e.seq, i + 1));
  assert.equal(events.filter((e) => e.type.startsWith("step.")).length, 3 * 10_000);
  // Checkpoints come at least every 1000 events, further apart as the state grows.
  const checkpoints = events.filter((e) => e.type === "checkpoint.saved").map((e) =>
    Number(e.data.seq)
  );
  assert.ok(checkpoints.length >= 3, `${checkpoints.length} checkpoints`);
  checkpoints.slice(1).forEach((seq, k) => assert.ok(seq - checkpoints[k]! >= 1000));
});

Deno.test("a dependency cycle is rejected with its path and runs nothing", () => {
  const { baton, log } = setup();
  assert.throws(
    () =>
      baton.run({
        goal: "Loop",
        steps: [
          { id: "a", tool: "work", input: { id: "a" }, dependsOn: ["b"] },
          { id: "b", tool: "work", input: { id: "b" }, dependsOn: ["a"] },
        ],
      }),
    (e: unknown) => e instanceof CycleError && e.cycle.join(",") === "a,b",
  );
  assert.throws(() => baton.run({ goal: "Bad", steps: [{ id: "a", tool: "nope" }] }), PlanError);
  assert.equal(log.started.length, 0);
});

Deno.test("a token budget that runs out stops the run cleanly and keeps the work", async () => {
  const { baton } = setup([sequentialScheduler()]);
  const steps = Array.from({ length: 10 }, (_, i) => ({
    id: `t${i}`,
    tool: "spend",
    input: { tokens: 100, n: i },
    ...(i === 0 ? {} : { dependsOn: [`t${i - 1}`] }),
  }));
  const run = baton.run({ goal: "Spend", steps }, { limits: { maxTokens: 450 } });
  const result = await run.result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "maxTokens");
  assert.match(result.reason!, /used 500 tokens, more than the limit of 450/);
  assert.deepEqual(Object.keys(result.outputs), ["t0", "t1", "t2", "t3", "t4"]);
  assert.deepEqual(result.undone, ["t5", "t6", "t7", "t8", "t9"]);
  const events = await allEvents(run);
  assert.equal(events.filter((e) => e.type === "limit.exceeded").length, 1);
  assert.equal(events.at(-1)!.type, "run.stopped");
});

Deno.test("a cost budget is not crossed: the step that would cross it does not start", async () => {
  const log = callLog();
  const paid = { ...workTool(log), name: "paid", cost: { costUsd: 0.4 } };
  const baton = createOrchestrator({ tools: [paid], plugins: [sequentialScheduler()] });
  const steps = Array.from(
    { length: 5 },
    (_, i) => ({ id: `p${i}`, tool: "paid", input: { id: `p${i}` } }),
  );
  const result = await baton.run({ goal: "Pay", steps }, { limits: { maxCostUsd: 1 } }).result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "maxCostUsd");
  assert.equal(log.started.length, 2);
  assert.ok(result.usage.costUsd <= 1);
});

Deno.test("maxSteps stops a run and reports what was left undone", async () => {
  const { baton } = setup();
  const result = await baton.run(chainPlan(20), { limits: { maxSteps: 7 } }).result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "maxSteps");
  assert.equal(Object.keys(result.outputs).length, 7);
  assert.equal(result.undone.length, 13);
});

Deno.test("parallel branches writing results concurrently stay consistent", async () => {
  const { baton } = setup();
  const n = 200;
  const steps = [
    { id: "root", tool: "work", input: { id: "root" } },
    ...Array.from({ length: n }, (_, i) => ({
      id: `b${i}`,
      tool: "work",
      input: { id: `b${i}`, values: [i, "${{ steps.root.output.sum }}"], delayMs: (i * 7) % 5 },
      dependsOn: ["root"],
    })),
  ];
  const run = baton.run({ goal: "Many branches", steps }, { limits: { maxConcurrency: 50 } });
  const result = await run.result;
  assert.equal(result.status, "completed");
  for (let i = 0; i < n; i++) {
    assert.deepEqual(result.outputs[`b${i}`], { id: `b${i}`, sum: i + 2 });
  }
  assertCompleteHistory(await allEvents(run), steps.map((s) => s.id));
});

Deno.test("errors are recovered by retry with backoff, recorded in history", async () => {
  const { baton } = setup();
  const run = baton.run({
    goal: "Flaky",
    steps: [{
      id: "f",
      tool: "flaky",
      input: { key: "f", failures: 2 },
      retry: { max: 3, backoffMs: 1 },
    }],
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { ok: true, attempts: 3 });
  const events = await allEvents(run);
  assert.deepEqual(events.filter((e) => e.stepId === "f").map((e) => e.type), [
    "step.ready",
    "step.started",
    "step.retrying",
    "step.ready",
    "step.started",
    "step.retrying",
    "step.ready",
    "step.started",
    "step.completed",
  ]);
  const metrics = await baton.history(run.id).metrics();
  assert.equal(metrics.f!.attempts, 3);
  assert.equal(metrics.f!.retries, 2);
});

Deno.test("a step that keeps failing fails, its dependents are skipped, the rest completes", async () => {
  const { baton } = setup();
  const run = baton.run({
    goal: "Partial",
    steps: [
      flakyStep("bad", 9, { max: 1, backoffMs: 1 }),
      { id: "after", tool: "work", input: { id: "after" }, dependsOn: ["bad"] },
      { id: "other", tool: "work", input: { id: "other" } },
    ],
  });
  const result = await run.result;
  assert.equal(result.status, "failed");
  assert.deepEqual(result.steps, { bad: "failed", after: "skipped", other: "completed" });
  assert.equal(result.failures[0]!.attempts, 2);
  assert.match(result.failures[0]!.error, /flaky failure 2 of 9/);
  assertCompleteHistory(await allEvents(run), ["bad", "after", "other"]);
});

Deno.test("the same tool called with the same input over and over is stopped as a loop", async () => {
  const { baton } = setup();
  const steps = Array.from({ length: 8 }, (_, i) => ({
    id: `same${i}`,
    tool: "work",
    input: { id: "same" },
    ...(i === 0 ? {} : { dependsOn: [`same${i - 1}`] }),
  }));
  const run = baton.run({ goal: "Loop", steps }, { limits: { maxRepeats: 3 } });
  const result = await run.result;
  assert.equal(result.status, "stopped");
  assert.equal(result.limit, "repetition");
  assert.match(result.reason!, /called 4 times with the same input/);
  assert.equal(Object.keys(result.outputs).length, 3);
  assert.equal((await allEvents(run)).filter((e) => e.type === "loop.detected").length, 1);
});

Deno.test("history answers queries by step, type and page, and keeps the decision log", async () => {
  const { baton } = setup();
  const run = baton.run(chainPlan(5));
  await run.result;
  const history = baton.history(run.id);
  assert.equal((await history.events({ stepId: "s2" })).length, 3);
  assert.equal((await history.events({ types: ["step.completed"] })).length, 5);
  const page1 = await history.events({ limit: 4 });
  const page2 = await history.events({ afterSeq: page1.at(-1)!.seq, limit: 4 });
  assert.deepEqual(page2.map((e) => e.seq), [5, 6, 7, 8]);
  const decisions = await history.decisions();
  assert.equal(decisions.length, 5);
  assert.match(decisions[0]!.reason, /free slots/);
  const timeline = await history.timeline();
  assert.deepEqual(timeline.map((t) => t.stepId), ["s0", "s1", "s2", "s3", "s4"]);
  assert.ok(timeline.every((t) => t.outcome === "completed" && t.end! >= t.start));
});

Deno.test("a history store that fails stops the run, and the result rejects with its error", async () => {
  const inner = memoryStore();
  let appends = 0;
  const broken = {
    ...inner,
    name: "broken",
    append(runId: string, events: readonly RunEvent[]) {
      if (++appends > 2) return Promise.reject(new Error("disk full"));
      return inner.append(runId, events);
    },
  };
  const log = callLog();
  const baton = createOrchestrator({ tools: [workTool(log)], store: broken });
  const plan = chainPlan(200);
  const slow = {
    ...plan,
    steps: plan.steps.map((s) => ({ ...s, input: { ...s.input, delayMs: 2 } })),
  };
  const run = baton.run(slow);
  await assert.rejects(run.result, /disk full/);
  assert.ok(log.started.length < 200, "the run stopped instead of running blind");
});

Deno.test("recorded events are frozen: neither listeners nor store readers can change history", async () => {
  const store = memoryStore();
  const echo = defineTool({
    name: "echo",
    description: "Returns its input",
    input: { type: "object" },
    run: (input) => input,
  });
  const baton = createOrchestrator({ tools: [echo], store });
  const run = baton.run({ goal: "g", steps: [{ id: "a", tool: "echo", input: { n: 1 } }] });
  const streamed: RunEvent[] = [];
  for await (const event of run.events()) streamed.push(event);
  await run.result;
  const completed = streamed.find((e) => e.type === "step.completed")!;
  assert.ok(Object.isFrozen(completed) && Object.isFrozen(completed.data));
  assert.throws(() => {
    (completed.data.output as { n: number }).n = 2;
  }, TypeError);
  const [stored] = await store.read(run.id, { types: ["step.completed"] });
  assert.deepEqual(stored!.data.output, { n: 1 });

  // Events a caller appends are frozen on the way in, so later changes cannot reach history.
  const mine = { ...stored!, runId: "other", seq: 1, data: { note: "kept" } };
  await store.append("other", [mine]);
  assert.throws(() => {
    (mine.data as { note: string }).note = "changed";
  }, TypeError);
  assert.deepEqual((await store.read("other"))[0]!.data, { note: "kept" });
});
