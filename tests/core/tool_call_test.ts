// What a tool sees of its call and how a run ends it: timeouts, cancellation, the signal, and
// the functions on its context.
import assert from "node:assert/strict";
import { createOrchestrator, defineTool, memoryStore } from "../../mod.ts";
import { flakyStep, testOrchestrator as setup } from "../_tools.ts";

Deno.test("a tool that ignores its signal is abandoned at its timeout", async () => {
  const { baton } = setup();
  const run = baton.run({ goal: "Hang", steps: [{ id: "h", tool: "hang", timeoutMs: 20 }] });
  const result = await run.result;
  assert.equal(result.status, "failed");
  assert.match(result.failures[0]!.error, /TimeoutError: Step "h" timed out after 20 ms/);
});

Deno.test("cancel() aborts running steps and keeps completed work", async () => {
  const { baton } = setup();
  const run = baton.run({
    goal: "Cancel",
    steps: [
      { id: "quick", tool: "work", input: { id: "quick" } },
      { id: "h", tool: "hang", dependsOn: ["quick"] },
    ],
  });
  for await (const e of run.events()) {
    if (e.type === "step.started" && e.stepId === "h") {
      run.cancel("The user changed their mind");
      break;
    }
  }
  const result = await run.result;
  assert.equal(result.status, "cancelled");
  assert.equal(result.reason, "The user changed their mind");
  assert.deepEqual(Object.keys(result.outputs), ["quick"]);
  assert.deepEqual(result.undone, ["h"]);
});

Deno.test("a tool's signal aborts with the run, whenever the tool reads it", async () => {
  const seen: { early?: AbortSignal; late?: AbortSignal } = {};
  let lateRead = () => {};
  const read = new Promise<void>((resolve) => (lateRead = resolve));
  const listen = defineTool({
    name: "listen",
    description: "Waits for its signal, read at once or only after a while",
    input: { type: "object", properties: { late: { type: "boolean" } } },
    run: async ({ late }: { late?: boolean }, ctx) => {
      if (!late) seen.early = ctx.signal;
      await new Promise((r) => setTimeout(r, 30));
      if (late) {
        seen.late = ctx.signal;
        lateRead();
      }
      return await new Promise((_, reject) => {
        const signal = ctx.signal;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    },
  });
  const baton = createOrchestrator({ tools: [listen] });
  const run = baton.run({
    goal: "Cancel listening tools",
    steps: [{ id: "early", tool: "listen" }, { id: "late", tool: "listen", input: { late: true } }],
  });
  setTimeout(() => run.cancel("Stop listening"), 5);
  const result = await run.result;
  assert.equal(result.status, "cancelled");
  await read;
  assert.ok(seen.early?.aborted, "a signal read before the cancel aborts");
  assert.ok(seen.late?.aborted, "a signal first read after the cancel is aborted already");
  assert.match(String(seen.late?.reason), /Stop listening/);
});

Deno.test("a tool may take report and emit off its context; both reach the run", async () => {
  const detached = defineTool({
    name: "detached",
    description: "Reports and emits through functions taken off its context",
    input: { type: "object" },
    run: async (_input: unknown, ctx) => {
      const { report, emit, signal } = ctx;
      await Promise.resolve();
      report({ tokens: 7, apiCalls: 1 });
      emit("half way", { done: 1 });
      assert.equal(signal.aborted, false);
      assert.equal(ctx.report, report, "the same function each time it is read");
      return "ok";
    },
  });
  const store = memoryStore();
  const baton = createOrchestrator({ tools: [detached], store });
  const run = baton.run({ goal: "Detach", steps: [{ id: "d", tool: "detached" }] });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.equal(result.usage.tokens, 7);
  const progress = await store.read(run.id, { types: ["tool.progress"] });
  assert.deepEqual(progress.map((e) => e.data), [{ message: "half way", data: { done: 1 } }]);
  const [completed] = await store.read(run.id, { types: ["step.completed"] });
  assert.deepEqual(completed!.data.usage, { tokens: 7, apiCalls: 1, costUsd: 0 });
});

Deno.test("cancel() ends a retry back-off at once, and the run's other steps with it", async () => {
  const { baton } = setup();
  const run = baton.run({
    goal: "Cancel while backing off",
    steps: [
      flakyStep("f", 5, { max: 5, backoffMs: 60_000 }),
      { id: "h", tool: "hang" },
    ],
  });
  for await (const e of run.events()) {
    if (e.type === "step.retrying" && e.stepId === "f") {
      run.cancel("Stop waiting");
      break;
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result = await Promise.race([
    run.result,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the back-off was not ended")), 5_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(result.status, "cancelled");
  assert.deepEqual([...result.undone].sort(), ["f", "h"]);
  assert.equal(result.steps.f, "failed");
});
