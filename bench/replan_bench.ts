/**
 * Replan benchmark (`deno task bench`, last part): the replan machinery's time from a step's
 * failure to the first step of the new validated version starting, with the planner's own time
 * taken out, on chains of 100, 1,000 and 10,000 steps whose last step fails (every other step
 * completed: all of them are checked and carried over). The planner answers at once with the
 * same plan and the last step's tool replaced, through the `partial` strategy. Then the
 * structural diff of two separately validated 10,000-step versions with 10% of steps changed.
 * Each size is first run on about 20,000 steps to warm up, as in the kernel benchmark.
 *
 * @module
 */
import {
  createOrchestrator,
  defineTool,
  diffPlans,
  normalizePlan,
  partialStrategy,
  type PlanInput,
  type Planner,
} from "../mod.ts";
import { ms, table, time } from "./_timing.ts";

const quick = Deno.args.includes("--quick");
let failedAt = 0;
let resumedAt = 0;
let plannerMs = 0;

const noop = defineTool({
  name: "noop",
  description: "Does nothing",
  input: { type: "object" },
  run: () => 1,
});
const fail = defineTool({
  name: "fail",
  description: "Fails",
  input: { type: "object" },
  run: () => {
    failedAt = performance.now();
    throw new Error("failed on purpose");
  },
});
const resume = defineTool({
  name: "resume",
  description: "Marks when the new version's first step starts",
  input: { type: "object" },
  run: () => {
    resumedAt = performance.now();
    return 2;
  },
});

/** A chain of `n` steps ending with `last`; with `when`, every step after the first has a condition. */
function chain(n: number, last: string, when = false): PlanInput {
  return {
    goal: `chain ${n}`,
    steps: Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      tool: i === n - 1 ? last : "noop",
      input: i === 0 ? {} : { previous: `\${{ steps.s${i - 1}.output }}` },
      ...(i === 0 ? {} : { dependsOn: [`s${i - 1}`] }),
      ...(when && i > 0 ? { when: `steps.s${i - 1}.output > 0` } : {}),
    })),
  };
}

async function replanOnce(n: number, when = false): Promise<number> {
  const fixed = chain(n, "resume", when);
  const planner: Planner = {
    name: "instant",
    kind: "planner",
    plan: () => {
      const t = performance.now();
      const plan = structuredClone(fixed);
      plannerMs = performance.now() - t;
      return plan;
    },
  };
  const baton = createOrchestrator({
    tools: [noop, fail, resume],
    plugins: [partialStrategy(), planner],
    caps: { maxSteps: 20_000 },
    limits: { maxRepeats: Infinity },
  });
  const result = await baton.run(chain(n, "fail", when)).result;
  if (result.status !== "completed" || result.planVersion !== 2) {
    throw new Error(`chain ${n}: ${result.status}, version ${result.planVersion}`);
  }
  return resumedAt - failedAt - plannerMs;
}

const targets: Record<number, number> = { 100: 1, 1000: 2, 10_000: 20 };
const rows = [["plan", "replan machinery (median)", "best", "target"]];
for (const n of [100, 1000, 10_000]) {
  const runs = quick ? 3 : n >= 10_000 ? 7 : 15;
  // Warmed like the kernel benchmark's engines: on about 20,000 steps (at least 3 runs).
  const warm = quick ? 1 : Math.max(3, Math.ceil(20_000 / n));
  console.error(`replanning a ${n}-step plan x ${warm} to warm up, then x ${runs} ...`);
  for (let i = 0; i < warm; i++) await replanOnce(n);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await replanOnce(n));
  times.sort((a, b) => a - b);
  rows.push([
    `${n.toLocaleString("en")} steps`,
    ms(times[Math.floor(times.length / 2)]!),
    ms(times[0]!),
    `< ${targets[n]} ms`,
  ]);
}

{
  // Conditions are compiled once per expression, not again for every version that keeps them.
  const n = 1000;
  const runs = quick ? 3 : 15;
  const warm = quick ? 1 : 20;
  console.error(
    `replanning a ${n}-step plan with a condition on every step x ${warm} to warm up, then x ${runs} ...`,
  );
  for (let i = 0; i < warm; i++) await replanOnce(n, true);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await replanOnce(n, true));
  times.sort((a, b) => a - b);
  rows.push([
    "1,000 steps, each with a when: condition",
    ms(times[Math.floor(times.length / 2)]!),
    ms(times[0]!),
    "< 2 ms",
  ]);
}

const tools = new Map([noop, fail, resume].map((t) => [t.name, t]));
const before = normalizePlan(chain(10_000, "noop"), { tools, caps: { maxSteps: 20_000 } });
const changed = chain(10_000, "noop");
const after = normalizePlan(
  {
    ...changed,
    steps: changed.steps.map((s, i) => i % 10 === 0 ? { ...s, tool: "resume" } : s),
  },
  { tools, caps: { maxSteps: 20_000 }, version: 2 },
);
const diff = time(() => diffPlans(before, after), quick ? 5 : 30, 3);
rows.push(["diff of two 10,000-step versions", ms(diff.median), ms(diff.best), "< 10 ms"]);

console.log("\nReplanning: failure to the new version's first step, planner time excluded\n");
table(rows);
