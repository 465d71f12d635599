// The kernel benchmark's workloads, in a form every engine's adapter can build from.
import type { PlanInput } from "../mod.ts";
import { prng } from "../tests/_random_graph.ts";

/** One step: its dependencies and how long it waits (0 = a no-op). */
export interface WorkStep {
  readonly id: string;
  readonly deps: readonly string[];
  readonly ms: number;
}

/** A workload: steps and the concurrency it is run with. */
export interface Workload {
  /** Short key, used on the command line. */
  readonly key: string;
  readonly name: string;
  readonly steps: readonly WorkStep[];
  readonly concurrency: number;
  /** The critical path, for workloads with latencies. */
  readonly criticalPathMs?: number;
}

/**
 * 10000 as "10,000". Not `toLocaleString`, whose first call loads locale data (about 7 MB of
 * resident memory) into every measured process.
 */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}

/**
 * A workload whose steps are made when first read: a measuring process builds only its own
 * workload, so the others take none of its memory.
 */
function lazy(w: Omit<Workload, "steps">, build: () => WorkStep[]): Workload {
  let steps: WorkStep[] | undefined;
  return {
    ...w,
    get steps() {
      return steps ??= build();
    },
  };
}

function chain(n: number): Workload {
  return lazy(
    { key: `w1-${n}`, name: `W1 chain ${thousands(n)}`, concurrency: 1 },
    () =>
      Array.from({ length: n }, (_, i) => ({ id: `s${i}`, deps: i ? [`s${i - 1}`] : [], ms: 0 })),
  );
}

function fanOut(): Workload {
  const width = 1000;
  return lazy(
    { key: "w2", name: "W2 fan-out 1,000 x 10 ms", concurrency: width, criticalPathMs: 10 },
    () => [
      { id: "root", deps: [], ms: 0 },
      ...Array.from({ length: width }, (_, i) => ({ id: `w${i}`, deps: ["root"], ms: 10 })),
      { id: "join", deps: Array.from({ length: width }, (_, i) => `w${i}`), ms: 0 },
    ],
  );
}

function layered(): Workload {
  return lazy({ key: "w3", name: "W3 layered DAG 2,000", concurrency: 64 }, () => {
    const random = prng(2024);
    const steps: WorkStep[] = [];
    for (let l = 0; l < 40; l++) {
      for (let k = 0; k < 50; k++) {
        const deps = l === 0
          ? []
          : [...new Set([0, 1, 2].map(() => `n${l - 1}_${Math.floor(random() * 50)}`))];
        steps.push({ id: `n${l}_${k}`, deps, ms: 0 });
      }
    }
    return steps;
  });
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
    key: "w4",
    name: "W4 12 steps, fixed latencies",
    concurrency: 12,
    criticalPathMs: 900,
    steps: spec.map(([id, ms, deps]) => ({ id, deps, ms })),
  };
}

/** Every workload, in the order the benchmark runs them. */
export const WORKLOADS: readonly Workload[] = [
  chain(10),
  chain(1000),
  chain(10_000),
  fanOut(),
  layered(),
  latencies(),
];

/** A workload as a Baton plan: `noop` and `sleep` steps. */
export function toPlan(w: Workload): PlanInput {
  return {
    goal: w.name,
    steps: w.steps.map((s) => ({
      id: s.id,
      tool: s.ms > 0 ? "sleep" : "noop",
      ...(s.ms > 0 ? { input: { ms: s.ms }, estimateMs: s.ms } : {}),
      ...(s.deps.length ? { dependsOn: s.deps } : {}),
    })),
  };
}

/** The workload's steps in parallel waves (for engines that run rounds). */
export function levelsOf(w: Workload): WorkStep[][] {
  const level = new Map<string, number>();
  const levels: WorkStep[][] = [];
  for (const s of w.steps) {
    const l = s.deps.reduce((m, d) => Math.max(m, level.get(d)! + 1), 0);
    level.set(s.id, l);
    (levels[l] ??= []).push(s);
  }
  return levels;
}

/** What a step does: wait its latency, or nothing. */
export function work(s: WorkStep): Promise<void> | void {
  if (s.ms > 0) return new Promise((r) => setTimeout(r, s.ms));
}
