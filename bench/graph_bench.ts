/**
 * Graph core benchmark, side by side in one run: the WebAssembly core (timed including the
 * copies into and out of its memory), the plain TypeScript implementation over typed arrays
 * (tests/graph-wasm/_reference.ts) and graphology-dag, on random DAGs of 10k, 100k and 1M edges.
 *
 * `deno task bench` runs it; `--sizes=10000,100000` picks sizes.
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
import { median, ms, table } from "./_timing.ts";

const sizesArg = Deno.args.find((a) => a.startsWith("--sizes="));
const sizes = sizesArg ? sizesArg.slice(8).split(",").map(Number) : [10_000, 100_000, 1_000_000];

interface Row {
  edges: number;
  wasm4: number;
  wasmOne: number;
  ts4: number;
  build: number;
  gTopo: number;
  gCycle: number;
}
const rows: Row[] = [];

for (const m of sizes) {
  const n = Math.max(2, Math.floor(m / 5));
  const edges = randomDag(n, m, 7);
  const durations = Float64Array.from({ length: n }, (_, i) => 1 + (i * 7919) % 50);
  const runs = m >= 1_000_000 ? 7 : 21;
  console.error(`[${m} edges, ${n} nodes] timing WebAssembly ...`);
  const wasm4 = median(
    () => {
      if (!validateDag(n, edges).ok) throw new Error("not a DAG");
      topoSort(n, edges);
      parallelLevels(n, edges);
      criticalPath(n, edges, durations);
    },
    runs,
    2,
  );
  const wasmOne = median(() => analyzeDag(n, edges, { durations }), runs, 2);
  console.error(`[${m} edges] timing plain TypeScript ...`);
  const ts4 = median(
    () => {
      if (!ts.isValidDag(n, edges)) throw new Error("not a DAG");
      ts.topoSort(n, edges);
      ts.levels(n, edges);
      ts.criticalPath(n, edges, durations);
    },
    runs,
    2,
  );
  console.error(`[${m} edges] timing graphology-dag (graph construction separately) ...`);
  let graph = new DirectedGraph();
  const build = median(
    () => {
      graph = new DirectedGraph();
      for (let v = 0; v < n; v++) graph.addNode(v);
      for (let i = 0; i < edges.length; i += 2) graph.addEdge(edges[i], edges[i + 1]);
    },
    m >= 1_000_000 ? 1 : 3,
    0,
  );
  const gRuns = m >= 1_000_000 ? 3 : 7;
  const gTopo = median(() => topologicalSort(graph), gRuns, 1);
  const gCycle = median(() => hasCycle(graph), gRuns, 1);
  rows.push({ edges: m, wasm4, wasmOne, ts4, build, gTopo, gCycle });
}

console.log("\nGraph core: validate + topoSort + parallelLevels + criticalPath on random DAGs");
console.log("(median wall time; WebAssembly times include copying in and out of its memory)\n");
table([
  [
    "edges",
    "wasm 4 calls",
    "wasm analyzeDag",
    "plain TS 4 ops",
    "TS / wasm",
    "graphology build",
    "g. topoSort",
    "g. hasCycle",
    "g.topo / wasm topo+3",
  ],
  ...rows.map((r) => [
    r.edges.toLocaleString("en"),
    ms(r.wasm4),
    ms(r.wasmOne),
    ms(r.ts4),
    `${(r.ts4 / r.wasm4).toFixed(2)}x`,
    ms(r.build),
    ms(r.gTopo),
    ms(r.gCycle),
    `${(r.gTopo / r.wasm4).toFixed(1)}x`,
  ]),
]);

const big = rows.find((r) => r.edges === 1_000_000);
if (big) {
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log("\nTargets on the 1M-edge DAG:");
  console.log(
    `  all four under 60 ms:           ${ms(big.wasm4)} (${
      verdict(big.wasm4 < 60)
    }); one analyzeDag call ${ms(big.wasmOne)}`,
  );
  console.log(
    `  30x faster than graphology-dag topologicalSort: ${(big.gTopo / big.wasm4).toFixed(1)}x (${
      verdict(big.gTopo / big.wasm4 >= 30)
    })`,
  );
  console.log(
    `  faster than plain TypeScript:   ${(big.ts4 / big.wasm4).toFixed(2)}x (${
      verdict(big.ts4 > big.wasm4)
    })`,
  );
}
