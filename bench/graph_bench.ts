/**
 * Graph core benchmark, side by side in one run: the WebAssembly core (timed including the
 * copies into and out of its memory), the plain TypeScript implementation over typed arrays
 * (tests/graph-wasm/_reference.ts) and graphology-dag (graph construction timed separately),
 * on random DAGs of 10k, 100k and 1M edges with five edges per node. Node labels are a random
 * permutation of the hidden topological order, the worst case for memory locality.
 *
 * The WebAssembly core and the plain TypeScript version get the same warm-up and run count (3 and
 * 25, or 9 at 1M edges); graphology-dag, far slower, gets one warm-up and 9 runs (5 at 1M edges).
 * The all-four timings run in three such batches spread over the size's run, pooled. Times are
 * "median (best)".
 * `deno task bench:graph` (part of `deno task bench`) runs it; `--sizes=10000,100000` picks sizes.
 *
 * Each call's results go into new memory. Where the operating system is slow to hand out fresh
 * pages (some virtual machines take over 10 µs for each 4 KiB page), a 1M-edge result that lands
 * in fresh pages costs more than the graph work, and whether it does depends on when the collector
 * last freed earlier results and whether the C allocator gave them back to the system. The task
 * therefore runs this script with `GLIBC_TUNABLES` set so that freed memory stays in the process,
 * for every contender alike; the script prints the setting and the machine's cost of a fresh page.
 *
 * @module
 */
import { DirectedGraph } from "graphology";
import { hasCycle, topologicalSort } from "graphology-dag";
import {
  analyzeDag,
  criticalPath,
  parallelLevels,
  topoSort,
  validateDag,
} from "../graph-wasm/mod.ts";
import * as ts from "../tests/graph-wasm/_reference.ts";
import { randomDag } from "../tests/_random_graph.ts";
import { fmt, samples, summarize, table, time, type Timing } from "./_timing.ts";

/** Microseconds per 4 KiB page to write fresh memory, and to write it again once touched. */
function pageCost(): { fresh: number; touched: number } {
  const bytes = 32 << 20;
  const pages = bytes / 4096;
  let start = performance.now();
  const block = new Uint8Array(bytes);
  block.fill(1);
  const fresh = (performance.now() - start) * 1000 / pages;
  start = performance.now();
  block.fill(2);
  return { fresh, touched: (performance.now() - start) * 1000 / pages };
}

const page = pageCost();
const tunables = Deno.env.get("GLIBC_TUNABLES");

const sizesArg = Deno.args.find((a) => a.startsWith("--sizes="));
const sizes = sizesArg ? sizesArg.slice(8).split(",").map(Number) : [10_000, 100_000, 1_000_000];

interface Row {
  edges: number;
  ops: Record<string, [Timing, Timing]>;
  wasm4: Timing;
  wasmOne: Timing;
  ts4: Timing;
  build: Timing;
  gTopo: Timing;
  gCycle: Timing;
}
const rows: Row[] = [];

for (const m of sizes) {
  const n = Math.max(2, Math.floor(m / 5));
  const edges = randomDag(n, m, 7);
  const durations = Float64Array.from({ length: n }, (_, i) => 1 + (i * 7919) % 50);
  const runs = m >= 1_000_000 ? 9 : 25;
  const warm = 3;
  console.error(`[${m} edges, ${n} nodes] WebAssembly, plain TypeScript ...`);
  const ops: Record<string, [Timing, Timing]> = {
    validate: [
      time(() => validateDag(n, edges), runs, warm),
      time(() => ts.isValidDag(n, edges), runs, warm),
    ],
    topoSort: [
      time(() => topoSort(n, edges), runs, warm),
      time(() => ts.topoSort(n, edges), runs, warm),
    ],
    parallelLevels: [
      time(() => parallelLevels(n, edges), runs, warm),
      time(() => ts.levels(n, edges), runs, warm),
    ],
    criticalPath: [
      time(() => criticalPath(n, edges, durations), runs, warm),
      time(() => ts.criticalPath(n, edges, durations), runs, warm),
    ],
  };
  const wasm4Fn = () => {
    if (!validateDag(n, edges).ok) throw new Error("not a DAG");
    topoSort(n, edges);
    parallelLevels(n, edges);
    criticalPath(n, edges, durations);
  };
  const wasmOneFn = () => analyzeDag(n, edges, { durations });
  const ts4Fn = () => {
    if (!ts.isValidDag(n, edges)) throw new Error("not a DAG");
    ts.topoSort(n, edges);
    ts.levels(n, edges);
    ts.criticalPath(n, edges, durations);
  };
  // The all-four timings that the targets compare are sampled in three batches spread over the
  // size's run (here, after graphology-dag's graph construction, and after its calls), each with
  // its own warm-up: graphology-dag's runs span seconds, and the batches make a burst of load
  // from the neighbours on a shared machine weigh on both sides' medians alike.
  const batches = { wasm4: [] as number[], wasmOne: [] as number[], ts4: [] as number[] };
  const batch = () => {
    batches.wasm4.push(...samples(wasm4Fn, runs, warm));
    batches.wasmOne.push(...samples(wasmOneFn, runs, warm));
    batches.ts4.push(...samples(ts4Fn, runs, warm));
  };
  batch();
  console.error(`[${m} edges] graphology-dag ...`);
  let graph = new DirectedGraph();
  const build = time(
    () => {
      graph = new DirectedGraph();
      for (let v = 0; v < n; v++) graph.addNode(v);
      for (let i = 0; i < edges.length; i += 2) graph.addEdge(edges[i], edges[i + 1]);
    },
    m >= 1_000_000 ? 1 : 3,
    0,
  );
  batch();
  // graphology-dag's 1M-edge calls take most of a second each and now and then meet a long
  // collection, so five runs give its median some footing.
  const gRuns = m >= 1_000_000 ? 5 : 9;
  const gTopo = time(() => topologicalSort(graph), gRuns, 1);
  const gCycle = time(() => hasCycle(graph), gRuns, 1);
  batch();
  const wasm4 = summarize(batches.wasm4);
  const wasmOne = summarize(batches.wasmOne);
  const ts4 = summarize(batches.ts4);
  rows.push({ edges: m, ops, wasm4, wasmOne, ts4, build, gTopo, gCycle });
}

const label = (m: number) => `${m.toLocaleString("en")} edges`;
console.log("\nGraph core on random DAGs (5 edges per node), median (best) wall time.");
console.log("WebAssembly times include copying into and out of its memory.");
console.log("The all-four rows pool three batches of runs spread over each size's run.");
console.log(
  `Fresh memory: ${page.fresh.toFixed(2)} µs per 4 KiB page on first write, ${
    page.touched.toFixed(2)
  } µs once touched.`,
);
console.log(
  `C allocator: ${
    tunables ? `GLIBC_TUNABLES=${tunables}` : "default settings (GLIBC_TUNABLES not set)"
  }.\n`,
);
table([
  ["operation", ...rows.flatMap((r) => [`wasm ${label(r.edges)}`, "plain TS", "TS/wasm"])],
  ...["validate", "topoSort", "parallelLevels", "criticalPath"].map((op) => [
    op,
    ...rows.flatMap((r) => {
      const [w, t] = r.ops[op]!;
      return [fmt(w), fmt(t), `${(t.median / w.median).toFixed(2)}x`];
    }),
  ]),
  [
    "all four, separate calls",
    ...rows.flatMap((
      r,
    ) => [fmt(r.wasm4), fmt(r.ts4), `${(r.ts4.median / r.wasm4.median).toFixed(2)}x`]),
  ],
  [
    "all four, one analyzeDag call",
    ...rows.flatMap((
      r,
    ) => [fmt(r.wasmOne), fmt(r.ts4), `${(r.ts4.median / r.wasmOne.median).toFixed(2)}x`]),
  ],
]);
console.log("");
table([
  ["graphology-dag", ...rows.map((r) => label(r.edges))],
  ["graph construction", ...rows.map((r) => fmt(r.build))],
  ["topologicalSort", ...rows.map((r) => fmt(r.gTopo))],
  ["hasCycle", ...rows.map((r) => fmt(r.gCycle))],
  [
    "topologicalSort / wasm all four (analyzeDag)",
    ...rows.map((r) => `${(r.gTopo.median / r.wasmOne.median).toFixed(1)}x`),
  ],
  [
    "topologicalSort / wasm all four (4 calls)",
    ...rows.map((r) => `${(r.gTopo.median / r.wasm4.median).toFixed(1)}x`),
  ],
]);

const big = rows.find((r) => r.edges === 1_000_000);
if (big) {
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const one = big.wasmOne.median;
  console.log("\nTargets on the 1M-edge DAG (medians):");
  console.log(
    `  validate + topoSort + parallelLevels + criticalPath under 60 ms: analyzeDag ${
      fmt(big.wasmOne)
    } (${verdict(one < 60)}); four separate calls ${fmt(big.wasm4)} (${
      verdict(big.wasm4.median < 60)
    })`,
  );
  console.log(
    `  at least 30x graphology-dag's topologicalSort: ${(big.gTopo.median / one).toFixed(1)}x (${
      verdict(big.gTopo.median / one >= 30)
    })`,
  );
  console.log(
    `  faster than plain TypeScript: ${(big.ts4.median / one).toFixed(2)}x with analyzeDag, ${
      (big.ts4.median / big.wasm4.median).toFixed(2)
    }x with four calls (${verdict(big.ts4.median > one)})`,
  );
}
