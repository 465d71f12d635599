import assert from "node:assert/strict";
import { createOrchestrator, defineTool, manualClock, systemClock } from "../../mod.ts";
import { flakyTool } from "../_tools.ts";

const waitForAbort = defineTool({
  name: "wait",
  description: "Waits until its signal aborts",
  input: { type: "object" },
  run: (_: unknown, ctx) =>
    new Promise((_, reject) =>
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))
    ),
});

Deno.test("a step timeout of ten minutes fires when the injected clock says so, without sleeping", async () => {
  const clock = manualClock(1_000);
  const baton = createOrchestrator({ tools: [waitForAbort], clock });
  const run = baton.run({
    goal: "Wait",
    steps: [{ id: "slow", tool: "wait", input: {}, timeoutMs: 600_000 }],
  });
  await clock.advance(599_999);
  let settled = false;
  void run.result.then(() => (settled = true));
  await clock.advance(0);
  assert.equal(settled, false, "not a millisecond early");
  await clock.advance(1);
  const result = await run.result;
  assert.equal(result.status, "failed");
  assert.match(result.failures[0]!.error, /TimeoutError: Step "slow" timed out after 600000 ms/);
  assert.equal(result.durationMs, 600_000);
});

Deno.test("retry back-off and the run's deadline follow the injected clock", async () => {
  const clock = manualClock();
  const baton = createOrchestrator({ tools: [flakyTool(), waitForAbort], clock });
  const run = baton.run({
    goal: "Retry",
    steps: [{
      id: "flaky",
      tool: "flaky",
      input: { key: "k", failures: 2 },
      retry: { max: 2, backoffMs: 60_000, maxBackoffMs: 600_000 },
    }],
  });
  // Back-off: up to 60 s, then up to 120 s (with jitter).
  await clock.advance(180_000);
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.output, { ok: true, attempts: 3 });

  const stuck = baton.run(
    { goal: "Wait forever", steps: [{ id: "w", tool: "wait", input: {} }] },
    { limits: { maxDurationMs: 86_400_000 } },
  );
  await clock.advance(86_400_000);
  const stopped = await stuck.result;
  assert.equal(stopped.status, "stopped");
  assert.equal(stopped.limit, "maxDurationMs");
});

Deno.test("a sleep of 0 ms ends at once, without a timer, on both clocks; an aborted one still rejects", async () => {
  for (const clock of [systemClock, manualClock()]) {
    const order: string[] = [];
    const timer = setTimeout(() => order.push("timer"), 0);
    await clock.sleep(0);
    order.push("slept");
    assert.deepEqual(order, ["slept"]);
    clearTimeout(timer);
    const aborted = AbortSignal.abort("stop");
    await assert.rejects(clock.sleep(0, aborted), (e: unknown) => e === "stop");
  }
});

Deno.test("a step retried with no back-off runs again at once, with no time passing", async () => {
  const clock = manualClock(1000);
  const baton = createOrchestrator({ tools: [flakyTool()], clock });
  const result = await baton.run({
    goal: "Retry at once",
    steps: [{
      id: "a",
      tool: "flaky",
      input: { key: "a", failures: 1 },
      retry: { max: 1, backoffMs: 0 },
    }],
  }).result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.outputs.a, { ok: true, attempts: 2 });
  assert.equal(clock.now(), 1000);
});
