import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createOrchestrator,
  criticalPathScheduler,
  parallelScheduler,
  priorityScheduler,
  type Scheduler,
  sequentialScheduler,
} from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

/** Random valid plans: each step depends on a random subset of earlier ones and adds their sums. */
const randomPlan = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.tuple(
    fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
    fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
  ).map(([deps, priorities, delays]) => ({
    goal: "Random plan",
    steps: deps.map((picks, i) => {
      const dependsOn = i === 0 ? [] : [...new Set(picks.map((p) => `n${p % i}`))];
      return {
        id: `n${i}`,
        tool: "work",
        priority: priorities[i]!,
        estimateMs: delays[i]!,
        input: {
          id: `n${i}`,
          values: dependsOn.map((d) => `\${{ steps.${d}.output.sum }}`),
          delayMs: delays[i]!,
        },
        ...(dependsOn.length ? { dependsOn } : {}),
      };
    }),
  }))
);

const schedulers: Array<() => Scheduler> = [
  () => sequentialScheduler(),
  () => parallelScheduler({ concurrency: 3 }),
  () => priorityScheduler({ concurrency: 2 }),
  () => criticalPathScheduler({ concurrency: 4 }),
];

Deno.test("on random plans every step runs once, after its dependencies, with the same results under every scheduler", async () => {
  await fc.assert(
    fc.asyncProperty(randomPlan, async (plan) => {
      const results: unknown[] = [];
      for (const make of schedulers) {
        const log = callLog();
        const baton = createOrchestrator({ tools: [workTool(log)], plugins: [make()] });
        const result = await baton.run(plan).result;
        assert.equal(result.status, "completed");
        assert.equal(log.started.length, plan.steps.length, "every step ran exactly once");
        assert.equal(new Set(log.started).size, plan.steps.length);
        const at = new Map(log.timeline.map((entry, i) => [entry, i]));
        for (const step of plan.steps) {
          for (const dep of step.dependsOn ?? []) {
            assert.ok(
              at.get(`end:${dep}`)! < at.get(`start:${step.id}`)!,
              `${dep} finished before ${step.id} started`,
            );
          }
        }
        results.push(result.outputs);
      }
      for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
    }),
    { numRuns: 40 },
  );
});
