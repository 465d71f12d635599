import assert from "node:assert/strict";
import {
  celConditions,
  type ConditionLanguage,
  createKernel,
  createOrchestrator,
  memoryStore,
  parallelScheduler,
  PlanError,
} from "../../mod.ts";
import { callLog, workTool } from "../_tools.ts";

const baton = (log = callLog()) => ({ log, baton: createOrchestrator({ tools: [workTool(log)] }) });

/** A `work` step that runs after `after` when `when` holds. */
const conditional = (id: string, after: string, when: string) => ({
  id,
  tool: "work",
  input: { id },
  dependsOn: [after],
  when,
});

Deno.test("when: a false condition skips the step, and steps that depend only on skipped steps", async () => {
  const { baton: b, log } = baton();
  const run = b.run({
    goal: "Branch",
    steps: [
      { id: "check", tool: "work", input: { id: "check", values: [4] } },
      conditional("big", "check", "steps.check.output.sum > 3"),
      conditional("small", "check", "steps.check.output.sum <= 3"),
      { id: "afterSmall", tool: "work", input: { id: "afterSmall" }, dependsOn: ["small"] },
      {
        id: "join",
        tool: "work",
        input: { id: "join", values: ["${{ steps.big.output.sum }}"] },
        dependsOn: ["big", "small"],
      },
      { id: "ctx", tool: "work", input: { id: "ctx" }, when: "context.mode == 'full'" },
    ],
  }, { context: { mode: "quick" } });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.deepEqual(result.steps, {
    check: "completed",
    big: "completed",
    small: "skipped",
    afterSmall: "skipped",
    join: "completed",
    ctx: "skipped",
  });
  assert.deepEqual(log.started.sort(), ["big", "check", "join"]);
  const skipped = await b.history(run.id).events({ types: ["step.skipped"] });
  assert.deepEqual(skipped.map((e) => [e.stepId, e.data.reason]), [
    ["ctx", "condition is false: context.mode == 'full'"],
    ["small", "condition is false: steps.check.output.sum <= 3"],
    ["afterSmall", "all of its dependencies were skipped"],
  ]);
});

Deno.test("when: malformed conditions are plan errors; bad values fail the step", async () => {
  const { baton: b } = baton();
  assert.throws(
    () => b.run({ goal: "g", steps: [{ id: "a", tool: "work", input: { id: "a" }, when: "1 +" }] }),
    (e: unknown) =>
      e instanceof PlanError && e.path === "steps[0].when" &&
      /Malformed CEL condition/.test(e.message),
  );
  assert.throws(
    () => b.run({ goal: "g", steps: [{ id: "a", tool: "work", input: { id: "a" }, when: "" }] }),
    /steps\[0\]\.when/,
  );
  const result = await b.run({
    goal: "g",
    steps: [
      { id: "a", tool: "work", input: { id: "a" } },
      { id: "b", tool: "work", input: { id: "b" }, dependsOn: ["a"], when: "steps.a.output.sum" },
      {
        id: "c",
        tool: "work",
        input: { id: "c" },
        dependsOn: ["a"],
        when: "steps.zz.output.x > 1",
      },
      { id: "d", tool: "work", input: { id: "d" }, dependsOn: ["b"] },
    ],
  }).result;
  assert.equal(result.status, "failed");
  assert.deepEqual(result.steps, { a: "completed", b: "failed", c: "failed", d: "skipped" });
  assert.match(result.failures[0]!.error, /gave 1, not true or false/);
  assert.match(result.failures[1]!.error, /Condition "steps.zz.output.x > 1" failed: CEL:/);
});

Deno.test("when: a kernel without a condition language refuses plans that use one", () => {
  const kernel = createKernel({
    tools: [workTool(callLog())],
    plugins: [parallelScheduler(), memoryStore()],
  });
  assert.throws(
    () =>
      kernel.run({
        goal: "g",
        steps: [{ id: "a", tool: "work", input: { id: "a" }, when: "true" }],
      }),
    /steps\[0\]\.when: No condition language is loaded/,
  );
  assert.equal(celConditions().compile("1 < 2")({ steps: new Map(), context: {} }), true);
});

Deno.test("reserved step ids are refused", () => {
  const { baton: b } = baton();
  for (const id of ["__proto__", "constructor", "prototype"]) {
    assert.throws(
      () => b.run({ goal: "g", steps: [{ id, tool: "work", input: { id } }] }),
      /is reserved/,
    );
  }
});

Deno.test("when: each expression is compiled once per orchestrator; a malformed one fails every time", async () => {
  const cel = celConditions();
  const compiled: string[] = [];
  const counting: ConditionLanguage = {
    name: "counting-cel",
    kind: "conditions",
    compile: (expression) => {
      compiled.push(expression);
      return cel.compile(expression);
    },
  };
  const b = createOrchestrator({ tools: [workTool(callLog())], plugins: [counting] });
  const plan = (extra: string) => ({
    goal: "g",
    steps: [
      { id: "a", tool: "work", input: { id: "a", values: [2] } },
      {
        id: "b",
        tool: "work",
        input: { id: "b" },
        dependsOn: ["a"],
        when: "steps.a.output.sum > 1",
      },
      { id: "c", tool: "work", input: { id: "c" }, dependsOn: ["a"], when: extra },
    ],
  });
  const first = await b.run(plan("steps.a.output.sum > 5")).result;
  const second = await b.run(plan("steps.a.output.sum > 5")).result;
  const third = await b.run(plan("steps.a.output.sum < 5")).result;
  assert.deepEqual(first.steps, { a: "completed", b: "completed", c: "skipped" });
  assert.deepEqual(second.steps, first.steps);
  assert.deepEqual(third.steps, { a: "completed", b: "completed", c: "completed" });
  assert.deepEqual(compiled, [
    "steps.a.output.sum > 1",
    "steps.a.output.sum > 5",
    "steps.a.output.sum < 5",
  ]);
  for (let i = 0; i < 2; i++) {
    assert.throws(
      () => b.run(plan("steps.a.output.sum >")),
      (e: unknown) => e instanceof PlanError && e.path === "steps[2].when",
    );
  }
  assert.equal(compiled.filter((e) => e === "steps.a.output.sum >").length, 2);
});

Deno.test("when: conditions see completed steps as a map: membership, size and outputs", async () => {
  const { baton: b, log } = baton();
  const run = b.run({
    goal: "Map",
    steps: [
      { id: "a", tool: "work", input: { id: "a", values: [1] } },
      { id: "b", tool: "work", input: { id: "b", values: [2] }, dependsOn: ["a"] },
      conditional(
        "seen",
        "b",
        "'a' in steps && 'b' in steps && !('seen' in steps) && size(steps) == 2",
      ),
      conditional("sum", "b", "steps.a.output.sum + steps.b.output.sum == 5"),
      conditional("missing", "b", "'nope' in steps"),
    ],
  });
  const result = await run.result;
  assert.equal(result.status, "completed");
  assert.equal(result.steps.seen, "completed");
  assert.equal(result.steps.sum, "completed");
  assert.equal(result.steps.missing, "skipped");
  assert.deepEqual(log.started.sort(), ["a", "b", "seen", "sum"]);
});
