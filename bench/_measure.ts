/**
 * Runs one workload on one engine in this process and prints one JSON line: the median and
 * best wall time, the process's peak resident memory (VmHWM) during its first run and, for
 * SQLite, the bytes the history took. `kernel_bench.ts` starts one process per engine and workload, so the peak
 * memory of each is its own.
 *
 * Usage: `deno run -A bench/_measure.ts ENGINE WORKLOAD RUNS`
 *
 * @module
 */
import { WORKLOADS } from "./_workloads.ts";

const [engine, key, runsArg] = Deno.args;
const workload = WORKLOADS.find((w) => w.key === key);
if (workload === undefined) throw new Error(`Unknown workload ${key}`);
const runs = Number(runsArg ?? 3);
const dir = engine === "baton-sqlite" ? await Deno.makeTempDir({ prefix: "baton-bench-" }) : "";

async function runner(): Promise<() => Promise<number | void>> {
  switch (engine) {
    case "baton-memory": {
      const { runBaton } = await import("./peers/baton.ts");
      return () => runBaton(workload!);
    }
    case "baton-sqlite": {
      const { runBaton } = await import("./peers/baton.ts");
      return () => runBaton(workload!, dir);
    }
    case "plain": {
      const { runPlain } = await import("./peers/plain.ts");
      return () => runPlain(workload!);
    }
    case "langgraph": {
      const { runLangGraph } = await import("./peers/langgraph.ts");
      return () => runLangGraph(workload!);
    }
    case "mastra": {
      const { runMastra } = await import("./peers/mastra.ts");
      return () => runMastra(workload!);
    }
  }
  throw new Error(`Unknown engine ${engine}`);
}

/** The process's peak resident memory so far, in MB. */
async function peakRssMb(): Promise<number> {
  const status = await Deno.readTextFile("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const run = await runner();
// The first run is timed too when it is the only one; its peak memory is the one reported.
const times: number[] = [];
let t = performance.now();
let bytes = Number(await run()) || 0;
const peak = await peakRssMb();
if (runs <= 1) times.push(performance.now() - t);
// Every engine warms up on about 60,000 steps (at most 2,000 runs, at most 3 seconds), so that
// what is measured is the steady state: code optimized, and the heap grown to the size the
// work settles at. (On a machine of this kind a process running 1,000-step chains took about
// 30 runs to get there, its garbage collector marking often while its heap grew.)
const warmups = runs > 1
  ? Math.min(2000, Math.max(1, Math.floor(60_000 / workload.steps.length)))
  : 0;
const warmStart = performance.now();
for (let i = 1; i < warmups && performance.now() - warmStart < 3000; i++) await run();
for (let i = 0; i < runs && runs > 1; i++) {
  t = performance.now();
  bytes = Number(await run()) || 0;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
if (dir) await Deno.remove(dir, { recursive: true });
console.log(JSON.stringify({
  median: times[Math.floor(times.length / 2)],
  best: times[0],
  peakRssMb: peak,
  bytes,
}));
