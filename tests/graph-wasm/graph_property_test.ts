import assert from "node:assert/strict";
import fc from "fast-check";
import { hasCycle, topologicalGenerations, topologicalSort } from "graphology-dag";
import {
  analyzeDag,
  ancestors,
  breakCycles,
  criticalPath,
  descendants,
  GraphError,
  parallelLevels,
  topoSort,
  transitiveReduction,
  validateDag,
} from "../../graph-wasm/mod.ts";
import * as ref from "./_reference.ts";
import { toGraphology } from "./_graphology.ts";
import { permutation, prng, randomDag, randomGraph } from "../_random_graph.ts";

/** Small DAGs with good shrinking: edges go from the lower to the higher rank. */
const smallDag = fc.integer({ min: 0, max: 40 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    rank: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    pairs: fc.array(fc.tuple(fc.nat(Math.max(n - 1, 0)), fc.nat(Math.max(n - 1, 0))), {
      maxLength: n * 3,
    }),
  }).map(({ n, rank, pairs }) => {
    const seen = new Set<string>();
    const flat: number[] = [];
    for (const [a, b] of pairs) {
      if (n === 0 || a === b) continue;
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const key = `${lo},${hi}`;
      if (seen.has(key)) continue;
      seen.add(key);
      flat.push(rank[lo]!, rank[hi]!);
    }
    return { n, edges: Uint32Array.from(flat) };
  })
);

/** DAGs up to a few thousand nodes from a seeded generator. */
const largeDag = fc.record({
  n: fc.integer({ min: 1, max: 3000 }),
  density: fc.double({ min: 0, max: 4, noNaN: true }),
  seed: fc.integer(),
}).map(({ n, density, seed }) => ({ n, edges: randomDag(n, Math.floor(n * density), seed) }));

const anyDag = fc.oneof(smallDag, largeDag);

/** Graphs with cycles likely: random edges without self-loops or duplicates. */
const cyclicGraph = fc.record({
  n: fc.integer({ min: 1, max: 2000 }),
  density: fc.double({ min: 0.5, max: 3, noNaN: true }),
  seed: fc.integer(),
}).map(({ n, density, seed }) => {
  const raw = randomGraph(n, Math.floor(n * density), seed);
  const seen = new Set<number>();
  const flat: number[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const a = raw[i]!;
    const b = raw[i + 1]!;
    if (a === b || seen.has(a * n + b)) continue;
    seen.add(a * n + b);
    flat.push(a, b);
  }
  return { n, edges: Uint32Array.from(flat) };
});

const durationsFor = (n: number, seed: number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => ((i * 7919 + seed) >>> 0) % 97);

Deno.test("validateDag() and graphology agree that random DAGs have no cycle", () => {
  fc.assert(
    fc.property(anyDag, ({ n, edges }) => {
      assert.deepEqual(validateDag(n, edges), { ok: true });
      assert.equal(hasCycle(toGraphology(n, edges)), false);
    }),
    { numRuns: 60 },
  );
});

Deno.test("topoSort() equals the reference and is a valid order, as graphology's is", () => {
  fc.assert(
    fc.property(anyDag, fc.boolean(), ({ n, edges }, withPriority) => {
      const priority = withPriority
        ? Float64Array.from({ length: n }, (_, i) => (i * 31) % 5)
        : undefined;
      const order = topoSort(n, edges, priority ? { priority } : {});
      assert.deepEqual(order, ref.topoSort(n, edges, priority));
      assert.ok(ref.isTopologicalOrder(n, edges, order));
      const theirs = topologicalSort(toGraphology(n, edges)).map(Number);
      assert.ok(ref.isTopologicalOrder(n, edges, theirs));
    }),
    { numRuns: 60 },
  );
});

Deno.test("parallelLevels() matches the reference and graphology's generations", () => {
  fc.assert(
    fc.property(anyDag, ({ n, edges }) => {
      const levels = parallelLevels(n, edges);
      assert.deepEqual(levels.level, ref.levels(n, edges));
      const generations = topologicalGenerations(toGraphology(n, edges));
      assert.equal(levels.depth, generations.length);
      generations.forEach((generation, k) => {
        const ours = Array.from(levels.nodes.subarray(levels.offsets[k], levels.offsets[k + 1]));
        assert.deepEqual(ours, generation.map(Number).sort((a, b) => a - b));
      });
    }),
    { numRuns: 60 },
  );
});

Deno.test("criticalPath() matches the reference exactly and its path is a real longest chain", () => {
  fc.assert(
    fc.property(anyDag, fc.integer(), ({ n, edges }, seed) => {
      const durations = durationsFor(n, seed);
      const ours = criticalPath(n, edges, durations);
      const theirs = ref.criticalPath(n, edges, durations)!;
      assert.deepEqual(ours.earliestStart, theirs.earliest);
      assert.deepEqual(ours.latestStart, theirs.latest);
      assert.deepEqual(ours.slack, theirs.slack);
      assert.equal(ours.makespan, theirs.makespan);
      assert.deepEqual(Array.from(ours.path), theirs.path);
      const total = Array.from(ours.path).reduce((sum, v) => sum + durations[v]!, 0);
      assert.equal(total, ours.makespan);
      for (const v of ours.path) assert.equal(ours.slack[v], 0);
    }),
    { numRuns: 60 },
  );
});

function reachability(n: number, edges: Uint32Array): string[] {
  return Array.from({ length: n }, (_, v) => ref.reachMask(n, edges, [v], true, false).join(""));
}

Deno.test("transitiveReduction() keeps reachability and leaves no redundant edge", () => {
  fc.assert(
    fc.property(smallDag, ({ n, edges }) => {
      const redundant = transitiveReduction(n, edges);
      const reduced = ref.withoutEdges(edges, redundant);
      assert.deepEqual(reachability(n, reduced), reachability(n, edges));
      for (let e = 0; e < reduced.length / 2; e++) {
        const fewer = ref.withoutEdges(reduced, [e]);
        assert.notDeepEqual(reachability(n, fewer), reachability(n, edges), `edge ${e} is needed`);
      }
    }),
    { numRuns: 100 },
  );
});

Deno.test("transitiveReduction() keeps reachability from sampled nodes of large DAGs", () => {
  fc.assert(
    fc.property(largeDag, ({ n, edges }) => {
      const reduced = ref.withoutEdges(edges, transitiveReduction(n, edges));
      for (let v = 0; v < n; v += Math.max(1, Math.floor(n / 15))) {
        assert.deepEqual(
          ref.reachMask(n, reduced, [v], true, false),
          ref.reachMask(n, edges, [v], true, false),
        );
      }
    }),
    { numRuns: 15 },
  );
});

Deno.test("descendants() and ancestors() match the reference on any graph", () => {
  fc.assert(
    fc.property(fc.oneof(anyDag, cyclicGraph), fc.integer(), fc.boolean(), (g, seed, inclusive) => {
      const { n, edges } = g;
      const seeds = n === 0 ? [] : [Math.abs(seed) % n, Math.abs(seed >> 3) % n];
      const maskToList = (mask: Uint8Array) => [...mask.keys()].filter((v) => mask[v]);
      assert.deepEqual(
        Array.from(descendants(n, edges, seeds, { inclusive })),
        maskToList(ref.reachMask(n, edges, seeds, true, inclusive)),
      );
      assert.deepEqual(
        Array.from(ancestors(n, edges, seeds, { inclusive })),
        maskToList(ref.reachMask(n, edges, seeds, false, inclusive)),
      );
    }),
    { numRuns: 60 },
  );
});

/** Checks that one `analyzeDag` call gives what the separate calls give. */
function analysisMatches({ n, edges }: { n: number; edges: Uint32Array }): void {
  const durations = durationsFor(n, 1);
  const all = analyzeDag(n, edges, { durations });
  assert.deepEqual(all.order, topoSort(n, edges));
  assert.deepEqual(all.levels, parallelLevels(n, edges));
  assert.deepEqual(all.schedule, criticalPath(n, edges, durations));
  const priority = durationsFor(n, 5);
  assert.deepEqual(analyzeDag(n, edges, { priority }).order, topoSort(n, edges, { priority }));
}

Deno.test("analyzeDag() equals the separate calls", () => {
  fc.assert(fc.property(anyDag, analysisMatches), { numRuns: 40 });
});

Deno.test("analyzeDag() equals the separate calls when one node frees many at once", () => {
  // Hubs with up to 300 successors each: a row frees more nodes than the traversal buffers.
  const hubs = fc.record({
    n: fc.integer({ min: 2, max: 1200 }),
    hubs: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer(),
  }).map(({ n, hubs, seed }) => {
    const rank = permutation(n, prng(seed));
    const edges: number[] = [];
    for (let h = 0; h < Math.min(hubs, n - 1); h++) {
      for (let r = h + 1; r < Math.min(n, h + 300); r++) edges.push(rank[h]!, rank[r]!);
    }
    return { n, edges: Uint32Array.from(edges) };
  });
  fc.assert(fc.property(hubs, analysisMatches), { numRuns: 30 });
});

Deno.test("on random cyclic graphs every function agrees with graphology and reports a real cycle", () => {
  fc.assert(
    fc.property(cyclicGraph, ({ n, edges }) => {
      const cyclic = hasCycle(toGraphology(n, edges));
      assert.equal(!ref.isAcyclic(n, edges), cyclic);
      const verdict = validateDag(n, edges);
      assert.equal(verdict.ok, !cyclic);
      if (!verdict.ok) {
        assert.equal(verdict.problem, "cycle");
        assert.ok(ref.isCycleOf(edges, verdict.nodes), `not a cycle: ${verdict.nodes}`);
      }
      for (
        const job of [
          () => topoSort(n, edges),
          () => parallelLevels(n, edges),
          () => criticalPath(n, edges, new Float64Array(n)),
          () => transitiveReduction(n, edges),
          () => analyzeDag(n, edges),
        ]
      ) {
        if (!cyclic) {
          job();
          continue;
        }
        assert.throws(job, (error: unknown) => {
          assert.ok(error instanceof GraphError);
          assert.equal(error.problem, "cycle");
          assert.ok(ref.isCycleOf(edges, error.nodes));
          return true;
        });
      }
    }),
    { numRuns: 40 },
  );
});

Deno.test("breakCycles() leaves a DAG, and every dropped edge would close a cycle", () => {
  fc.assert(
    fc.property(cyclicGraph, fc.boolean(), ({ n, edges }, withPriority) => {
      const priority = withPriority ? Float64Array.from({ length: n }, (_, i) => i % 7) : undefined;
      const dropped = breakCycles(n, edges, priority ? { priority } : {});
      const kept = ref.withoutEdges(edges, dropped);
      assert.ok(ref.isAcyclic(n, kept));
      if (ref.isAcyclic(n, edges)) assert.equal(dropped.length, 0);
      for (const e of dropped.slice(0, 40)) {
        const back = Uint32Array.from([...kept, edges[2 * e]!, edges[2 * e + 1]!]);
        assert.equal(ref.isAcyclic(n, back), false, `edge ${e} could have stayed`);
      }
    }),
    { numRuns: 30 },
  );
});
