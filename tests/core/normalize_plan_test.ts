import assert from "node:assert/strict";
import { CycleError, defineTool, normalizePlan, PlanError, type Tool } from "../../mod.ts";
import { planToInput } from "../../core/optimize_plan.ts";
import { callLog, workTool } from "../_tools.ts";

const tools = new Map<string, Tool>([["work", workTool(callLog())]]);
const normalize = (input: unknown, caps = {}) => normalizePlan(input, { tools, caps });

function assertPlanError(input: unknown, path: string, message: RegExp, caps = {}): void {
  assert.throws(() => normalize(input, caps), (error: unknown) => {
    assert.ok(error instanceof PlanError, `expected PlanError, got ${error}`);
    assert.equal(error.path, path);
    assert.match(error.message, message);
    return true;
  });
}

const step = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  tool: "work",
  input: { id },
  ...extra,
});

Deno.test("normalizePlan() fills defaults and computes order, levels and the critical path", () => {
  const plan = normalize({
    goal: "Diamond",
    steps: [
      step("a", { estimateMs: 10 }),
      step("b", { dependsOn: ["a"], estimateMs: 50 }),
      step("c", { dependsOn: ["a", "a"], estimateMs: 5 }),
      step("d", { dependsOn: ["b", "c"], estimateMs: 1, checkpoint: true }),
    ],
  });
  assert.equal(plan.version, 1);
  assert.deepEqual(plan.order, ["a", "b", "c", "d"]);
  assert.deepEqual(plan.levels, [["a"], ["b", "c"], ["d"]]);
  assert.deepEqual(plan.criticalPath, ["a", "b", "d"]);
  assert.equal(plan.estimatedDurationMs, 61);
  assert.equal(plan.slackMs.c, 45);
  assert.deepEqual(plan.steps[2]!.dependsOn, ["a"]);
  assert.deepEqual(plan.checkpoints, ["d"]);
  assert.equal(plan.output, "d");
  assert.deepEqual(plan.steps[0]!.retry, { max: 0, backoffMs: 100, maxBackoffMs: 30_000 });
  assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.steps[0]!.input));
});

Deno.test("normalizePlan() names the path of every kind of bad field", () => {
  assertPlanError(null, "", /must be an object/);
  assertPlanError({ steps: [step("a")] }, "goal", /non-empty string/);
  assertPlanError({ goal: "g", steps: [] }, "steps", /non-empty list/);
  assertPlanError({ goal: "g", steps: [step("a")], extra: 1 }, "extra", /Unknown field "extra"/);
  assertPlanError(
    { goal: "g", steps: [step("a", { colour: "red" })] },
    "steps[0].colour",
    /Unknown field/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a"), step("a")] },
    "steps[1].id",
    /Duplicate step id "a" \(first used by steps\[0\]\)/,
  );
  assertPlanError(
    { goal: "g", steps: [{ id: "9x", tool: "work" }] },
    "steps[0].id",
    /Expected a step id/,
  );
  assertPlanError(
    { goal: "g", steps: [{ id: "a", tool: "wrok", input: {} }] },
    "steps[0].tool",
    /Unknown tool "wrok" \(known: work\)/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a", { dependsOn: ["zz"] })] },
    "steps[0].dependsOn[0]",
    /unknown step "zz"/,
  );
  assertPlanError(
    { goal: "g", steps: [{ id: "a", tool: "work", input: { id: 5 } }] },
    "steps[0].input.id",
    /Expected string, got integer/,
  );
  assertPlanError(
    { goal: "g", steps: [{ id: "a", tool: "work", input: {} }] },
    "steps[0].input.id",
    /Required field is missing/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a", { retry: { max: -1 } })] },
    "steps[0].retry.max",
    /at least 0/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a", { retry: { max: 1, tries: 2 } })] },
    "steps[0].retry.tries",
    /Unknown field/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a", { timeoutMs: 0 })] },
    "steps[0].timeoutMs",
    /at least 1/,
  );
  assertPlanError({ goal: "g", steps: [step("a")], output: "nope" }, "output", /id of a step/);
});

Deno.test("normalizePlan() checks references: well-formed, known, and among the dependencies", () => {
  const ref = (text: string, extra = {}) => ({
    id: "b",
    tool: "work",
    input: { id: text },
    ...extra,
  });
  assertPlanError(
    { goal: "g", steps: [step("a"), ref("${{ steps.a.outptu }}", { dependsOn: ["a"] })] },
    "steps[1].input.id",
    /Malformed reference/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a"), ref("${{ nope.x }}")] },
    "steps[1].input.id",
    /must start with "steps." or "context."/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a"), ref("${{ steps.a.output ")] },
    "steps[1].input.id",
    /Unclosed/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a"), ref("${{ steps.q.output }}")] },
    "steps[1].input.id",
    /unknown step "q"/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a"), ref("${{ steps.a.output.__proto__ }}", { dependsOn: ["a"] })] },
    "steps[1].input.id",
    /cannot be read/,
  );
  assertPlanError(
    { goal: "g", steps: [step("a"), ref("${{ steps.a.output.id }}")] },
    "steps[1].input.id",
    /reads the output of "a", which is not among its dependencies/,
  );
  // An indirect dependency is fine.
  const plan = normalize({
    goal: "g",
    steps: [
      step("a"),
      step("m", { dependsOn: ["a"] }),
      ref("${{ steps.a.output.id }} and ${{ context.user }}", { dependsOn: ["m"] }),
    ],
  });
  assert.deepEqual(plan.steps[2]!.reads, ["a"]);
});

Deno.test("normalizePlan() rejects a cycle with its path", () => {
  assert.throws(
    () =>
      normalize({
        goal: "g",
        steps: [
          step("a", { dependsOn: ["c"] }),
          step("b", { dependsOn: ["a"] }),
          step("c", { dependsOn: ["b"] }),
        ],
      }),
    (error: unknown) => {
      assert.ok(error instanceof CycleError);
      // a depends on c, b on a, c on b: a -> b -> c -> a, starting at the first step.
      assert.deepEqual(error.cycle, ["a", "b", "c"]);
      assert.equal(error.message, "steps[0].dependsOn: Dependency cycle: a -> b -> c -> a");
      assert.equal(error.path, "steps[0].dependsOn");
      return true;
    },
  );
  assert.throws(
    () => normalize({ goal: "g", steps: [step("a", { dependsOn: ["a"] })] }),
    /Dependency cycle: a -> a/,
  );
});

Deno.test("hostile input is refused quickly with a typed error, Object.prototype untouched", () => {
  const big = { goal: "g", steps: [step("a", { title: "x".repeat(10 * 1024 * 1024) })] };
  assertPlanError(big, "", /Larger than 4000000 bytes/);
  let deep: unknown = "leaf";
  for (let i = 0; i < 10_000; i++) deep = { d: deep };
  assert.throws(
    () => normalize({ goal: "g", steps: [{ id: "a", tool: "work", input: deep }] }),
    /Nested deeper than 64 levels/,
  );
  let deepArray: unknown = 0;
  for (let i = 0; i < 10_000; i++) deepArray = [deepArray];
  assert.throws(() => normalize(deepArray), PlanError);
  const many = {
    goal: "g",
    steps: Array.from({ length: 10_001 }, (_, i) => ({ id: `s${i}`, tool: "work" })),
  };
  assertPlanError(many, "steps", /10001 steps, more than the cap of 10000 \(raise caps.maxSteps/);
  const proto = JSON.parse(
    '{"goal":"g","steps":[{"id":"a","tool":"work","input":{"id":"a","__proto__":{"polluted":1}}}]}',
  );
  assertPlanError(proto, "steps[0].input.__proto__", /"__proto__" is not allowed/);
  const ctor = {
    goal: "g",
    steps: [{ id: "a", tool: "work", input: { id: "a", constructor: { prototype: 1 } } }],
  };
  assertPlanError(ctor, "steps[0].input.constructor", /"constructor" is not allowed/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(
    () =>
      normalize({ goal: "g", steps: [{ id: "a", tool: "work", input: { id: "a", f: () => 1 } }] }),
    /Expected a JSON value, got function/,
  );
  assert.throws(
    () =>
      normalize({
        goal: "g",
        steps: [{ id: "a", tool: "work", input: { id: "a", d: new Date() } }],
      }),
    /plain object/,
  );
  assert.throws(
    () => normalize({ goal: "g", steps: [{ id: "a", tool: "work", input: { id: "a", n: NaN } }] }),
    /finite number/,
  );
});

Deno.test("a large legitimate plan raises the caps", () => {
  const many = {
    goal: "g",
    steps: Array.from(
      { length: 12_000 },
      (_, i) => ({ id: `s${i}`, tool: "work", input: { id: `s${i}` } }),
    ),
  };
  const plan = normalize(many, { maxSteps: 20_000 });
  assert.equal(plan.steps.length, 12_000);
});

Deno.test("defineTool() refuses malformed tools", () => {
  const base = { name: "ok", description: "d", input: { type: "object" }, run: () => 1 } as const;
  assert.throws(() => defineTool({ ...base, name: "9bad" }), /must start with a letter/);
  assert.throws(() => defineTool({ ...base, description: " " }), /needs a description/);
  assert.throws(() => defineTool({ ...base, run: undefined as never }), /needs a run\(\) function/);
  assert.throws(
    () => defineTool({ ...base, timeoutMs: -1 }),
    /timeoutMs must be a positive number/,
  );
});

Deno.test("a step may read several indirect dependencies reached through the same path", () => {
  const plan = normalize({
    goal: "g",
    steps: [
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b"] }),
      {
        id: "d",
        tool: "work",
        input: { id: "${{ steps.b.output.id }}${{ steps.a.output.id }}" },
        dependsOn: ["c"],
      },
    ],
  });
  assert.deepEqual(plan.steps[3]!.reads, ["b", "a"]);
});

Deno.test("a step given back unchanged from the plan it replaces is taken as it is; any other is checked", () => {
  const parent = normalize({
    goal: "g",
    steps: [step("a"), step("b", { dependsOn: ["a"] }), step("c", { dependsOn: ["b"] })],
  });
  const given = planToInput(parent);
  assert.ok(given.steps.every((s) => Object.isFrozen(s)), "steps made from a plan are frozen");
  const next = normalizePlan(
    { ...given, steps: [...given.steps, step("d", { dependsOn: ["c"] })] },
    {
      tools,
      reuse: parent,
      version: 2,
    },
  );
  assert.ok(next.steps.slice(0, 3).every((s, i) => s === parent.steps[i]), "the same objects");
  assert.deepEqual(next.order, ["a", "b", "c", "d"]);

  // Steps of another plan, or of one validated against other tools, are checked as usual.
  const other = planToInput(
    normalize({ goal: "g", steps: [step("x"), step("b", { dependsOn: ["x"] })] }),
  );
  assert.throws(
    () =>
      normalizePlan({ goal: "g", steps: [given.steps[0]!, other.steps[1]!] }, {
        tools,
        reuse: parent,
      }),
    (e: unknown) => e instanceof PlanError && e.path === "steps[1].dependsOn[0]",
  );
  assert.throws(
    () => normalizePlan(given, { tools: new Map(), reuse: parent }),
    (e: unknown) => e instanceof PlanError && /Unknown tool "work"/.test(e.message),
  );
  // A reused step still claims its id.
  assert.throws(
    () =>
      normalizePlan({ ...given, steps: [given.steps[0]!, given.steps[0]!] }, {
        tools,
        reuse: parent,
      }),
    (e: unknown) => e instanceof PlanError && e.path === "steps[1].id",
  );
});

Deno.test("a replacing plan whose ids start as its parent's still finds duplicates, unknown ids and its own order", () => {
  const parent = normalize({
    goal: "g",
    steps: [step("a"), step("b", { dependsOn: ["a"] }), step("c", { dependsOn: ["b"] })],
  });
  const given = planToInput(parent);
  const options = { tools, reuse: parent, version: 2 };
  // A duplicate after the ids that match the parent's.
  assert.throws(
    () => normalizePlan({ ...given, steps: [...given.steps, step("b")] }, options),
    (e: unknown) =>
      e instanceof PlanError && e.path === "steps[3].id" && /steps\[1\]/.test(e.message),
  );
  // Fewer steps than the parent: its last step is not this plan's.
  const prefix = normalizePlan({ goal: "g", steps: given.steps.slice(0, 2) }, options);
  assert.deepEqual(prefix.order, ["a", "b"]);
  assert.equal(prefix.output, "b");
  assert.throws(
    () =>
      normalizePlan(
        { goal: "g", steps: [...given.steps.slice(0, 2), step("d", { dependsOn: ["c"] })] },
        options,
      ),
    (e: unknown) => e instanceof PlanError && e.path === "steps[2].dependsOn[0]",
  );
  // The same steps in another order.
  const moved = normalizePlan(
    { goal: "g", steps: [given.steps[2]!, given.steps[0]!, given.steps[1]!] },
    options,
  );
  assert.deepEqual(moved.order, ["a", "b", "c"]);
  assert.deepEqual(moved.steps.map((s) => s.id), ["c", "a", "b"]);
  assert.equal(moved.output, "c");
});
