// The contract every scheduler must meet, run against each built-in one.
import assert from "node:assert/strict";
import {
  criticalPathScheduler,
  defineTool,
  normalizePlan,
  parallelScheduler,
  priorityScheduler,
  resourceAwareScheduler,
  type Scheduler,
  type SchedulerView,
  sequentialScheduler,
} from "../../mod.ts";

const noop = defineTool({
  name: "noop",
  description: "Nothing",
  input: { type: "object" },
  run: () => null,
});
const plan = normalizePlan({
  goal: "Contract",
  steps: [
    { id: "a", tool: "noop", priority: 1, estimateMs: 5 },
    { id: "b", tool: "noop", priority: 5, estimateMs: 50 },
    { id: "c", tool: "noop", priority: 3, estimateMs: 1 },
    { id: "d", tool: "noop", dependsOn: ["b"], estimateMs: 10 },
  ],
}, { tools: new Map([["noop", noop]]) });
const ready = plan.steps.slice(0, 3);
const view = (running: number, slots: number): SchedulerView => ({
  plan,
  running,
  slots,
  runningSteps: [],
  tools: new Map([["noop", noop]]),
  usage: { tokens: 0, apiCalls: 0, costUsd: 0 },
  now: 0,
});

const all: Array<[string, () => Scheduler]> = [
  ["sequentialScheduler", () => sequentialScheduler()],
  ["parallelScheduler", () => parallelScheduler({ concurrency: 2 })],
  ["priorityScheduler", () => priorityScheduler({ concurrency: 2 })],
  ["criticalPathScheduler", () => criticalPathScheduler({ concurrency: 2 })],
  ["resourceAwareScheduler", () => resourceAwareScheduler({ concurrency: 2 })],
];

for (const [name, make] of all) {
  Deno.test(`${name}() is a named scheduler plugin`, () => {
    const s = make();
    assert.equal(s.kind, "scheduler");
    assert.equal(typeof s.name, "string");
    assert.equal(typeof s.select, "function");
  });

  Deno.test(`${name}() picks only ready steps, each once, with a reason, within the free slots`, () => {
    const s = make();
    for (const slots of [1, 2, 3]) {
      const picks = s.select(ready, view(0, slots));
      assert.ok(
        picks.length >= 1 && picks.length <= slots,
        `${picks.length} picks for ${slots} slots`,
      );
      const ids = picks.map((p) => p.stepId);
      assert.equal(new Set(ids).size, ids.length);
      for (const p of picks) {
        assert.ok(ready.some((r) => r.id === p.stepId));
        assert.ok(p.reason.length > 0);
      }
    }
  });

  Deno.test(`${name}() starts something when nothing runs, and nothing when no step is ready`, () => {
    const s = make();
    assert.ok(s.select(ready, view(0, 8)).length > 0);
    assert.deepEqual(s.select([], view(0, 8)), []);
    assert.deepEqual(s.select(ready, view(8, 0)), []);
  });
}

Deno.test("the schedulers order ready steps by their own rule", () => {
  const first = (s: Scheduler) => s.select(ready, view(0, 1))[0]!.stepId;
  assert.equal(first(sequentialScheduler()), "b", "plan order is priority first");
  assert.equal(first(parallelScheduler()), "a", "first ready first");
  assert.equal(first(priorityScheduler()), "b");
  assert.equal(first(criticalPathScheduler()), "b", "b is on the critical path (slack 0)");
  assert.equal(sequentialScheduler().select(ready, view(1, 7)).length, 0);
});

Deno.test("scheduler options are checked", () => {
  assert.throws(
    () => parallelScheduler({ concurrency: 0 }),
    /concurrency must be a whole number of at least 1/,
  );
  assert.throws(() => priorityScheduler({ concurrency: 1.5 }), RangeError);
});
