/**
 * Kernel benchmark, side by side in one run (`deno task bench:kernel`):
 *
 * - W1: a chain of 10 / 1,000 / 10,000 no-op steps (per-step overhead).
 * - W2: 1,000 steps that each wait 10 ms, fanned out from one step, then joined (makespan).
 * - W3: a layered random DAG of 2,000 no-op steps, fixed seed (per-step overhead).
 * - W4: 12 steps with fixed simulated latencies (50-300 ms): makespan against the critical path.
 *
 * Each runs on Baton with the in-memory store and with SQLite history (a temporary database the
 * process opens once, as an application would; the first run writes its own file, whose size gives
 * the history's bytes per step), on a
 * plain hand-written async loop (the floor: no history, no validation), on LangGraph.js
 * (StateGraph) and on Mastra workflows (adapters in bench/peers). Every engine and workload
 * runs in its own process, so its peak resident memory is its own. Times are medians.
 * `--quick` runs fewer repetitions; `--baton` leaves the peers out.
 *
 * @module
 */
import { sqliteStore } from "../plugins/stores/sqlite_store.ts";
import { ms, table, time } from "./_timing.ts";
import { WORKLOADS } from "./_workloads.ts";

const quick = Deno.args.includes("--quick");
const batonOnly = Deno.args.includes("--baton");
const ENGINES = [
  "baton-memory",
  "baton-sqlite",
  "plain",
  ...(batonOnly ? [] : ["langgraph", "mastra"]),
];
const LABELS: Record<string, string> = {
  "baton-memory": "Baton memory",
  "baton-sqlite": "Baton SQLite",
  plain: "plain loop",
  langgraph: "LangGraph",
  mastra: "Mastra",
};

interface Measured {
  readonly median: number;
  readonly best: number;
  readonly peakRssMb: number;
  readonly bytes: number;
}

async function measure(engine: string, key: string, runs: number): Promise<Measured | string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_measure.ts", import.meta.url).pathname,
      engine,
      key,
      String(runs),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success) {
    const error = new TextDecoder().decode(out.stderr).trim().split("\n").find((l) =>
      /error/i.test(l)
    );
    return `failed: ${error ?? "exit " + out.code}`;
  }
  return JSON.parse(text) as Measured;
}

const timeRows: string[][] = [["workload", "steps", ...ENGINES.map((e) => LABELS[e]!)]];
const memoryRows: string[][] = [["workload", ...ENGINES.map((e) => LABELS[e]!)]];
const notes: string[] = [];
for (const w of WORKLOADS) {
  const n = w.steps.length;
  const results = new Map<string, Measured | string>();
  for (const engine of ENGINES) {
    const peer = engine === "langgraph" || engine === "mastra";
    const runs = quick || n >= 10_000 || w.key === "w4" ? (peer && n >= 10_000 ? 1 : 3) : 9;
    console.error(`${w.name}: ${LABELS[engine]} x ${runs} ...`);
    results.set(engine, await measure(engine, w.key, runs));
  }
  const base = results.get("baton-memory") as Measured;
  const cell = (engine: string) => {
    const r = results.get(engine)!;
    if (typeof r === "string") return r;
    const ratio = engine === "baton-memory" ? "" : ` (${(r.median / base.median).toFixed(1)}x)`;
    if (w.criticalPathMs !== undefined) {
      const over = ((r.median - w.criticalPathMs) / w.criticalPathMs) * 100;
      return `${ms(r.median)}, ${over.toFixed(1)}% over${ratio}`;
    }
    return `${((r.median * 1000) / n).toFixed(1)} µs/step${ratio}`;
  };
  timeRows.push([w.name, String(n), ...ENGINES.map(cell)]);
  memoryRows.push([
    w.name,
    ...ENGINES.map((e) => {
      const r = results.get(e)!;
      return typeof r === "string" ? "-" : `${r.peakRssMb.toFixed(0)} MB`;
    }),
  ]);
  const sqlite = results.get("baton-sqlite");
  if (typeof sqlite === "object" && sqlite.bytes > 0) {
    notes.push(
      `${w.name}: SQLite history ${(sqlite.bytes / n).toFixed(0)} bytes per step (${
        (sqlite.bytes / 1e6).toFixed(1)
      } MB)`,
    );
  }
}

console.log(
  "\nMedian per-step overhead (W1, W3) or makespan (W2, W4); ratios against Baton memory\n",
);
table(timeRows);
console.log("\nPeak resident memory of each process (runtime and libraries included)\n");
table(memoryRows);
console.log("\nHistory size\n");
for (const note of notes) console.log(`  ${note}`);

const dir = await Deno.makeTempDir({ prefix: "baton-bench-" });
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
