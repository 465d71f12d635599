// The contract every scheduler must meet, run against each built-in one.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createOrchestrator,
  criticalPathScheduler,
  defineTool,
  normalizePlan,
  parallelScheduler,
  priorityScheduler,
  resourceAwareScheduler,
  type Scheduler,
  type SchedulerView,
  sequentialScheduler,
  type Step,
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

Deno.test("a scheduler with a queue picks from the first ready steps in its order what it picks from all", () => {
  const slow = defineTool({ ...noop, name: "slow" });
  const tools = new Map([["noop", noop], ["slow", slow]]);
  const schedulers: Array<[string, () => Scheduler]> = [
    ...all,
    [
      "resourceAwareScheduler with a tool limit",
      () => resourceAwareScheduler({ concurrency: 3, tools: { slow: { concurrency: 1 } } }),
    ],
  ];
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          priority: fc.integer({ min: 0, max: 3 }),
          estimateMs: fc.nat(20),
          tool: fc.constantFrom("noop", "slow"),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      fc.nat(),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 6 }),
      fc.boolean(),
      (specs, seed, running, slots, slowRunning) => {
        const big = normalizePlan({
          goal: "Queue",
          steps: specs.map((s, i) => ({ id: `s${i}`, ...s })),
        }, { tools });
        // Ready in a shuffled order, as steps of a real run become ready.
        const readyNow = big.steps.filter((_, i) => (i * 31 + seed) % 3 !== 0)
          .sort((a, b) => ((a.id.length * 13 + seed) % 7) - ((b.id.length * 13 + seed) % 7));
        const runningSteps = slowRunning
          ? big.steps.filter((s) => s.tool === "slow").slice(0, 1)
          : [];
        const v = {
          ...view(running + runningSteps.length, slots),
          plan: big,
          runningSteps,
          tools,
        };
        for (const [name, make] of schedulers) {
          const s = make();
          if (s.queue === undefined) continue;
          const index = new Map(big.steps.map((step, i) => [step.id, i]));
          const rank = s.queue.rank;
          const inOrder = (steps: Step[]) =>
            rank === undefined
              ? steps
              : [...steps].sort((a, b) =>
                rank(a, big) - rank(b, big) || index.get(a.id)! - index.get(b.id)!
              );
          const room = Math.max(
            1,
            Math.min(slots, (s.queue.concurrency ?? Infinity) - running - runningSteps.length),
          );
          // The window the kernel hands: the first `room` steps, of every lane when in lanes.
          const lane = s.queue.lane;
          const window = lane === undefined ? inOrder(readyNow).slice(0, room) : inOrder(
            [...Map.groupBy(readyNow, lane).values()].flatMap((l) => inOrder(l).slice(0, room)),
          );
          const fromWindow = s.select(window, v).map((d) => d.stepId);
          const fromAll = s.select(readyNow, v).map((d) => d.stepId);
          assert.deepEqual(fromWindow, fromAll, name);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("the kernel hands a queued scheduler only the steps it may start, and others every ready step", async () => {
  const seen: Array<[string, number]> = [];
  const record = (base: Scheduler, name: string): Scheduler => ({
    ...base,
    name,
    select(ready, v) {
      seen.push([name, ready.length]);
      return base.select(ready, v);
    },
  });
  const queued = record(parallelScheduler({ concurrency: 3 }), "queued");
  const { queue: _, ...plain } = parallelScheduler({ concurrency: 3 });
  const steps = Array.from({ length: 50 }, (_, i) => ({ id: `w${i}`, tool: "noop", input: { i } }));
  for (const s of [queued, record(plain as Scheduler, "all")]) {
    const baton = createOrchestrator({ tools: [noop], plugins: [s] });
    const result = await baton.run({ goal: "Wide", steps }).result;
    assert.equal(result.status, "completed");
  }
  const most = (name: string) => Math.max(...seen.filter(([n]) => n === name).map(([, k]) => k));
  assert.equal(most("queued"), 3);
  assert.equal(most("all"), 50);
});
