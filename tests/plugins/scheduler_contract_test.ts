// The contract every scheduler must meet, run against each built-in one.
import assert from "node:assert/strict";
import {
  criticalPathScheduler,
  defineTool,
  normalizePlan,
  parallelScheduler,
  priorityScheduler,
  type Scheduler,
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

const all: Array<[string, () => Scheduler]> = [
  ["sequentialScheduler", () => sequentialScheduler()],
  ["parallelScheduler", () => parallelScheduler({ concurrency: 2 })],
  ["priorityScheduler", () => priorityScheduler({ concurrency: 2 })],
  ["criticalPathScheduler", () => criticalPathScheduler({ concurrency: 2 })],
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
      const picks = s.select(ready, { plan, running: 0, slots });
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
    assert.ok(s.select(ready, { plan, running: 0, slots: 8 }).length > 0);
    assert.deepEqual(s.select([], { plan, running: 0, slots: 8 }), []);
    assert.deepEqual(s.select(ready, { plan, running: 8, slots: 0 }), []);
  });
}

Deno.test("the schedulers order ready steps by their own rule", () => {
  const first = (s: Scheduler) => s.select(ready, { plan, running: 0, slots: 1 })[0]!.stepId;
  assert.equal(first(sequentialScheduler()), "b", "plan order is priority first");
  assert.equal(first(parallelScheduler()), "a", "first ready first");
  assert.equal(first(priorityScheduler()), "b");
  assert.equal(first(criticalPathScheduler()), "b", "b is on the critical path (slack 0)");
  assert.equal(sequentialScheduler().select(ready, { plan, running: 1, slots: 7 }).length, 0);
});

Deno.test("scheduler options are checked", () => {
  assert.throws(
    () => parallelScheduler({ concurrency: 0 }),
    /concurrency must be a whole number of at least 1/,
  );
  assert.throws(() => priorityScheduler({ concurrency: 1.5 }), RangeError);
});
