import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createOrchestrator,
  defineTool,
  partialStrategy,
  type PlanInput,
  type Planner,
  stepDescendants,
} from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

/** A random plan of `work` steps with one step switched to the failing tool. */
const scenario = fc.integer({ min: 2, max: 30 }).chain((n) =>
  fc.record({
    deps: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
    delays: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
    failing: fc.integer({ min: 0, max: n - 1 }),
    withPlanner: fc.boolean(),
  })
);

const failTool = defineTool({
  name: "fail",
  description: "Always fails",
  input: { type: "object", properties: { id: { type: "string" } } },
  run: () => {
    throw new Error("failed on purpose");
  },
});

Deno.test("partial replans keep every completed step that does not depend on the failure, and run none twice", async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ deps, delays, failing, withPlanner }) => {
      const steps = deps.map((picks, i) => {
        const dependsOn = i === 0 ? [] : [...new Set(picks.map((p) => `n${p % i}`))];
        return {
          id: `n${i}`,
          tool: i === failing ? "fail" : "work",
          input: { id: `n${i}`, delayMs: delays[i]! },
          dependsOn,
        };
      });
      const plan: PlanInput = { goal: "Random plan", steps };
      const shape = { ids: steps.map((s) => s.id), dependsOn: steps.map((s) => s.dependsOn) };
      const affected = new Set(stepDescendants(shape, [`n${failing}`], true));
      // The planner rewrites the failed part as working steps with new ids.
      const planner: Planner = {
        name: "rewrite",
        kind: "planner",
        plan: (request) => ({
          goal: "Random plan",
          steps: request.replan!.plan.steps.map((s) =>
            affected.has(s.id)
              ? {
                ...s,
                id: `${s.id}_v2`,
                tool: "work",
                input: { id: `${s.id}_v2` },
                dependsOn: (s.dependsOn ?? []).map((d) => affected.has(d) ? `${d}_v2` : d),
              }
              : s
          ),
        }),
      };
      const log = callLog();
      const baton = createOrchestrator({
        tools: [workTool(log), failTool],
        plugins: [partialStrategy(), ...(withPlanner ? [planner] : [])],
      });
      const result = await baton.run(plan).result;
      assert.equal(new Set(log.started).size, log.started.length, "no step ran twice");
      for (const id of shape.ids) {
        if (!affected.has(id)) {
          assert.equal(result.steps[id], "completed", `${id} is not affected and completes`);
        }
      }
      if (withPlanner) {
        assert.equal(result.status, "completed");
        for (const id of affected) assert.equal(result.steps[`${id}_v2`], "completed");
        assert.equal(result.planVersion, 2);
      } else if (affected.size === shape.ids.length) {
        // Nothing would be left: the failure stands.
        assert.equal(result.status, "failed");
        assert.equal(result.planVersion, 1);
      } else {
        for (const id of affected) assert.equal(result.steps[id], undefined, `${id} was dropped`);
        assert.equal(result.planVersion, 2);
      }
    }),
    { numRuns: 60 },
  );
});
