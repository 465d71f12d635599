import assert from "node:assert/strict";
import fc from "fast-check";
import { LanedReadyQueue, type Queued, ReadyQueue } from "../../core/_ready_queue.ts";
import { normalizePlan, type Plan, type Step } from "../../mod.ts";
import { defineTool } from "../../mod.ts";

const tool = defineTool({ name: "t", description: "t", input: { type: "object" }, run: () => 1 });

function planOf(n: number, priority: (i: number) => number): Plan {
  return normalizePlan({
    goal: "g",
    steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, tool: "t", priority: priority(i) })),
  }, { tools: new Map([["t", tool]]) });
}

interface Rec extends Queued {
  step: Step;
  state: string;
  entry?: object | undefined;
}

// Operations on a queue of n steps: a step becomes ready, leaves the ready state, or the
// first k are asked for. The model keeps the ready steps with the time they became ready.
const ops = (n: number) =>
  fc.array(
    fc.oneof(
      fc.record({ op: fc.constant("ready" as const), i: fc.nat(n - 1) }),
      fc.record({ op: fc.constant("leave" as const), i: fc.nat(n - 1) }),
      fc.record({
        op: fc.constant("first" as const),
        k: fc.oneof(fc.nat(n + 2), fc.constant(Infinity)),
      }),
    ),
    { maxLength: 300 },
  );

for (const ranked of [false, true]) {
  Deno.test(`ReadyQueue ${ranked ? "by rank" : "in ready order"} gives the first k ready steps, as a sorted list would`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (n, levels, seed) =>
          fc.assert(
            fc.property(ops(n), (list) => {
              const plan = planOf(n, (i) => (i * 7 + seed) % levels);
              const rank = ranked ? (step: Step) => -step.priority : undefined;
              const index = new Map(plan.steps.map((s, i) => [s.id, i]));
              const queue = new ReadyQueue<Rec>(plan, index, rank);
              const recs: Rec[] = plan.steps.map((step) => ({ step, state: "pending" }));
              const readyAt = new Map<Rec, number>();
              let clock = 0;
              for (const o of list) {
                if (o.op === "ready") {
                  const r = recs[o.i]!;
                  if (r.state === "ready") continue;
                  r.state = "ready";
                  readyAt.set(r, clock++);
                  queue.push(r);
                } else if (o.op === "leave") {
                  const r = recs[o.i]!;
                  if (r.state !== "ready") continue;
                  queue.left(r);
                  r.state = "running";
                  readyAt.delete(r);
                } else {
                  const expected = [...readyAt.keys()].sort((a, b) =>
                    ranked
                      ? b.step.priority - a.step.priority ||
                        index.get(a.step.id)! - index.get(b.step.id)!
                      : readyAt.get(a)! - readyAt.get(b)!
                  ).slice(0, o.k);
                  assert.deepEqual(
                    queue.first(o.k).map((r) => r.step.id),
                    expected.map((r) => r.step.id),
                  );
                }
                assert.equal(queue.size, readyAt.size);
              }
            }),
            { numRuns: 5 },
          ),
      ),
      { numRuns: 60 },
    );
  });
}

Deno.test("LanedReadyQueue gives each lane's first k ready steps, merged by rank then plan order", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 5 }),
      fc.nat(),
      ops(40),
      (n, lanes, levels, seed, list) => {
        const plan = planOf(n, (i) => (i * 7 + seed) % levels);
        const index = new Map(plan.steps.map((s, i) => [s.id, i]));
        const laneOf = (step: Step) => `lane${index.get(step.id)! % lanes}`;
        const queue = new LanedReadyQueue<Rec>(plan, index, laneOf, (step) => -step.priority);
        const recs: Rec[] = plan.steps.map((step) => ({ step, state: "pending" }));
        const before = (a: Rec, b: Rec) =>
          b.step.priority - a.step.priority || index.get(a.step.id)! - index.get(b.step.id)!;
        for (const o of list) {
          if (o.op === "ready" && o.i < n) {
            const r = recs[o.i]!;
            if (r.state === "ready") continue;
            r.state = "ready";
            queue.push(r);
          } else if (o.op === "leave" && o.i < n) {
            const r = recs[o.i]!;
            if (r.state !== "ready") continue;
            queue.left(r);
            r.state = "running";
          } else if (o.op === "first") {
            const ready = recs.filter((r) => r.state === "ready");
            const byLane = Map.groupBy(ready, (r) => laneOf(r.step));
            const expected = [...byLane.values()]
              .flatMap((rs) => rs.sort(before).slice(0, o.k))
              .sort(before);
            assert.deepEqual(
              queue.first(o.k).map((r) => r.step.id),
              expected.map((r) => r.step.id),
            );
          }
          assert.equal(queue.size, recs.filter((r) => r.state === "ready").length);
        }
      },
    ),
    { numRuns: 300 },
  );
});
