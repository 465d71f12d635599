import assert from "node:assert/strict";
import { createOrchestrator, defineTool, manualClock } from "../../mod.ts";
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
