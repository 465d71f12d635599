/**
 * Kernel benchmark, side by side in one run (`deno task bench:kernel`):
 *
 * - W1: a chain of 10 / 1,000 / 10,000 no-op steps (per-step overhead).
 * - W2: 1,000 steps that each wait 10 ms, fanned out from one step, then joined (makespan).
 * - W3: a layered random DAG of 2,000 no-op steps, fixed seed (per-step overhead).
 * - W4: 12 steps with fixed simulated latencies (50-300 ms): makespan against the critical path.
 *
 * Each runs on Baton with the in-memory store and with SQLite history (a temporary file), and
 * on a plain hand-written async loop (the floor: no history, no validation). Times are medians;
 * peak RSS is measured in a separate process per workload. Pass `--quick` for fewer repetitions.
 *
 * @module
 */
import { createOrchestrator, defineTool, type PlanInput } from "../mod.ts";
import { sqliteStore } from "../plugins/stores/sqlite_store.ts";
import { prng } from "../tests/_random_graph.ts";
import { ms, table, time } from "./_timing.ts";

const quick = Deno.args.includes("--quick");

const noop = defineTool({
  name: "noop",
  description: "Does nothing",
  input: { type: "object" },
  run: () => null,
});
const sleep = defineTool({
  name: "sleep",
  description: "Waits",
  input: { type: "object", required: ["ms"], properties: { ms: { type: "number" } } },
  run: ({ ms }: { ms: number }) => new Promise((r) => setTimeout(r, ms)),
});

interface Workload {
  readonly name: string;
  readonly plan: PlanInput;
  readonly concurrency: number;
}

function chain(n: number): Workload {
  return {
    name: `W1 chain ${n.toLocaleString("en")}`,
    concurrency: 1,
    plan: {
      goal: "chain",
      steps: Array.from(
        { length: n },
        (_, i) => ({ id: `s${i}`, tool: "noop", ...(i ? { dependsOn: [`s${i - 1}`] } : {}) }),
      ),
    },
  };
}

function fanOut(): Workload {
  const width = 1000;
  return {
    name: "W2 fan-out 1,000 x 10 ms",
    concurrency: width,
    plan: {
      goal: "fan-out",
      steps: [
        { id: "root", tool: "noop" },
        ...Array.from(
          { length: width },
          (_, i) => ({ id: `w${i}`, tool: "sleep", input: { ms: 10 }, dependsOn: ["root"] }),
        ),
        { id: "join", tool: "noop", dependsOn: Array.from({ length: width }, (_, i) => `w${i}`) },
      ],
    },
  };
}

function layered(): Workload {
  const random = prng(2024);
  const layers = 40;
  const perLayer = 50;
  const steps: PlanInput["steps"][number][] = [];
  for (let l = 0; l < layers; l++) {
    for (let k = 0; k < perLayer; k++) {
      const deps = l === 0
        ? []
        : [...new Set([0, 1, 2].map(() => `n${l - 1}_${Math.floor(random() * perLayer)}`))];
      steps.push({ id: `n${l}_${k}`, tool: "noop", ...(deps.length ? { dependsOn: deps } : {}) });
    }
  }
  return { name: "W3 layered DAG 2,000", concurrency: 64, plan: { goal: "layered", steps } };
}

/** Twelve steps with fixed latencies; the critical path is a -> c -> f -> j -> l = 900 ms. */
function latencies(): Workload {
  const spec: Array<[string, number, string[]]> = [
    ["a", 100, []],
    ["b", 50, []],
    ["c", 300, ["a"]],
    ["d", 120, ["a", "b"]],
    ["e", 80, ["b"]],
    ["f", 200, ["c"]],
    ["g", 150, ["d"]],
    ["h", 60, ["d", "e"]],
    ["i", 90, ["e"]],
    ["j", 250, ["f", "g"]],
    ["k", 100, ["h", "i"]],
    ["l", 50, ["j", "k"]],
  ];
  return {
    name: "W4 12 steps, fixed latencies",
    concurrency: 12,
    plan: {
      goal: "latencies",
      steps: spec.map(([id, ms, deps]) => ({
        id,
        tool: "sleep",
        input: { ms },
        estimateMs: ms,
        ...(deps.length ? { dependsOn: deps } : {}),
      })),
    },
  };
}

/** The floor: run the same DAG with a hand-written promise loop (no validation, no history). */
async function plainLoop(plan: PlanInput): Promise<void> {
  const done = new Map<string, Promise<unknown>>();
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const runStep = (id: string): Promise<unknown> => {
    let p = done.get(id);
    if (!p) {
      const s = byId.get(id)!;
      p = Promise.all((s.dependsOn ?? []).map(runStep)).then(() =>
        s.tool === "sleep"
          ? new Promise((r) => setTimeout(r, (s.input as { ms: number }).ms))
          : null
      );
      done.set(id, p);
    }
    return p;
  };
  await Promise.all(plan.steps.map((s) => runStep(s.id)));
}

async function timeAsync(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const dir = await Deno.makeTempDir({ prefix: "baton-bench-" });
const rows: string[][] = [[
  "workload",
  "steps",
  "Baton memory",
  "per step",
  "Baton SQLite",
  "per step",
  "plain loop",
  "per step",
]];
const workloads = [chain(10), chain(1000), chain(10_000), fanOut(), layered(), latencies()];
let db = 0;
for (const w of workloads) {
  const n = w.plan.steps.length;
  const runs = quick || n >= 10_000 || w.name.startsWith("W4") ? 3 : 9;
  console.error(`${w.name} ...`);
  const memory = createOrchestrator({
    tools: [noop, sleep],
    limits: { maxConcurrency: w.concurrency, maxRepeats: Infinity },
  });
  const tMem = await timeAsync(async () => {
    const r = await memory.run(w.plan).result;
    if (r.status !== "completed") throw new Error(`${w.name}: ${r.status}`);
  }, runs);
  const tSql = await timeAsync(async () => {
    const store = sqliteStore({ path: `${dir}/bench-${db++}.db` });
    const baton = createOrchestrator({
      tools: [noop, sleep],
      store,
      limits: { maxConcurrency: w.concurrency, maxRepeats: Infinity },
    });
    const r = await baton.run(w.plan).result;
    store.close();
    if (r.status !== "completed") throw new Error(`${w.name}: ${r.status}`);
  }, runs);
  const tPlain = await timeAsync(() => plainLoop(w.plan), runs);
  const per = (t: number) => `${((t * 1000) / n).toFixed(1)} µs`;
  rows.push([w.name, String(n), ms(tMem), per(tMem), ms(tSql), per(tSql), ms(tPlain), per(tPlain)]);
  if (w.name.startsWith("W4")) {
    rows.push([
      "  W4 critical path",
      "",
      "900 ms",
      `${(((tMem - 900) / 900) * 100).toFixed(1)}% over`,
      "",
      `${(((tSql - 900) / 900) * 100).toFixed(1)}% over`,
      "",
      `${(((tPlain - 900) / 900) * 100).toFixed(1)}% over`,
    ]);
  }
}

console.log(
  "\nBaton kernel, median wall time per run (validation, optimization, scheduling and history included)\n",
);
table(rows);

// One step's events in a 1,000,000-event SQLite history.
console.error("building a 1,000,000-event history ...");
const store = sqliteStore({ path: `${dir}/history.db`, synchronous: "NORMAL" });
const batch = 10_000;
for (let start = 1; start <= 1_000_000; start += batch) {
  const events = Array.from({ length: batch }, (_, k) => ({
    seq: start + k,
    runId: "big",
    type: "step.completed" as const,
    ts: start + k,
    stepId: `s${(start + k) % 50_000}`,
    planVersion: 1,
    data: { output: null, durationMs: 0 },
    impact: "progress" as const,
  }));
  await store.append("big", events);
}
const query = time(() => store.read("big", { stepId: "s12345" }), 50, 5);
console.log(
  `\nOne step's events in a 1,000,000-event SQLite history: median ${ms(query.median)} (best ${
    ms(query.best)
  })`,
);
store.close();
await Deno.remove(dir, { recursive: true });
