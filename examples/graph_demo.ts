/**
 * Analyses a plan file with Baton's WebAssembly graph core (no execution) and prints
 * its parallel levels and critical path.
 *
 * Run it with `deno run --allow-read --allow-env examples/graph_demo.ts [path/to/plan.yaml]`.
 *
 * @module
 */
import { parse } from "yaml";
import { analyzeDag, GraphError, transitiveReduction } from "../graph-wasm/mod.ts";

interface StepFile {
  id: string;
  tool: string;
  dependsOn?: string[];
  estimateMs?: number;
}

const file = Deno.args[0] ?? new URL("plans/research_report.yaml", import.meta.url).pathname;
const doc = parse(await Deno.readTextFile(file)) as { goal: string; steps: StepFile[] };
const steps = doc.steps;
const index = new Map(steps.map((s, i) => [s.id, i]));
const edges: number[] = [];
for (const [i, step] of steps.entries()) {
  for (const dep of step.dependsOn ?? []) {
    const from = index.get(dep);
    if (from === undefined) throw new Error(`Step "${step.id}" depends on unknown step "${dep}"`);
    edges.push(from, i);
  }
}
const durations = steps.map((s) => s.estimateMs ?? 0);

try {
  const { levels, schedule } = analyzeDag(steps.length, edges, { durations });
  const name = (i: number) => steps[i]!.id;
  console.log(`Plan: ${doc.goal}`);
  console.log(`${steps.length} steps, ${edges.length / 2} dependencies\n`);
  console.log("Parallel levels (each level runs at once when the previous one is done):");
  for (let k = 0; k < levels.depth; k++) {
    const group = [...levels.nodes.subarray(levels.offsets[k], levels.offsets[k + 1])];
    console.log(`  ${k}: ${group.map(name).join(", ")}`);
  }
  const s = schedule!;
  console.log(`\nCritical path (${s.makespan} ms with unlimited parallelism):`);
  console.log(`  ${[...s.path].map(name).join(" -> ")}`);
  const sequential = durations.reduce((a, b) => a + b, 0);
  console.log(`  vs ${sequential} ms one step at a time\n`);
  console.log("Slack per step (how long it may slip without delaying the end):");
  for (const i of steps.keys()) {
    const bar = "#".repeat(Math.round((s.slack[i]! / s.makespan) * 40));
    console.log(`  ${name(i).padEnd(18)} ${String(s.slack[i]).padStart(5)} ms ${bar}`);
  }
  const redundant = [...transitiveReduction(steps.length, edges)];
  if (redundant.length > 0) {
    console.log("\nRedundant dependencies (implied by others):");
    for (const e of redundant) {
      console.log(`  ${name(edges[2 * e]!)} -> ${name(edges[2 * e + 1]!)}`);
    }
  }
} catch (error) {
  if (error instanceof GraphError && error.problem === "cycle") {
    console.error(
      `The plan has a cycle: ${
        [...error.nodes, error.nodes[0]!].map((i) => steps[i]!.id).join(" -> ")
      }`,
    );
    Deno.exit(1);
  }
  throw error;
}
