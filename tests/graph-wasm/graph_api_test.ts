import assert from "node:assert/strict";
import {
  analyzeDag,
  criticalPath,
  descendants,
  GraphError,
  parallelLevels,
  releaseGraphMemory,
  topoSort,
  validateDag,
} from "../../graph-wasm/mod.ts";
import { graphCore } from "../../graph-wasm/_instance.ts";
import { randomDag } from "../_random_graph.ts";

Deno.test("arguments are checked with errors that name them", () => {
  assert.throws(
    () => topoSort(2, [0, 1, 1]),
    /edges must hold \[from, to\] pairs.*length 3 is odd/,
  );
  assert.throws(() => topoSort(2, [0, 5]), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match(e.message, /edges\[1\] is 5/);
    return true;
  });
  assert.throws(() => topoSort(2, Uint32Array.of(0, 9)), /edges\[1\] is 9/);
  assert.throws(() => topoSort(2, [0, -1]), /edges\[1\]/);
  assert.throws(() => topoSort(2, [0, 0.5]), TypeError);
  assert.throws(() => topoSort(-1, []), RangeError);
  assert.throws(() => topoSort(1.5, []), TypeError);
  assert.throws(() => topoSort(2 ** 31, []), /nodeCount must be from 0 to 2147483647/);
  assert.throws(() => criticalPath(2, [0, 1], [1, NaN]), /durations\[1\] must be a finite number/);
  assert.throws(() => criticalPath(2, [0, 1], [1, -2]), /of at least 0, got -2/);
  assert.throws(() => criticalPath(2, [0, 1], [1]), /one number per node \(2\), but holds 1/);
  assert.throws(() => topoSort(2, [], { priority: [1, Infinity] }), /priority\[1\]/);
  assert.throws(() => descendants(2, [0, 1], [2]), /nodes\[0\] is 2/);
  assert.throws(() => analyzeDag(2, [0, 1, 0, 1]), (e: unknown) => {
    assert.ok(e instanceof GraphError);
    assert.equal(e.problem, "duplicate-edge");
    return true;
  });
});

Deno.test("validateDag() reports each kind of problem as data", () => {
  const unknown = validateDag(2, [0, 1, 1, 3]);
  assert.equal(unknown.ok, false);
  if (!unknown.ok) {
    assert.equal(unknown.problem, "unknown-node");
    assert.equal(unknown.edge, 1);
    assert.deepEqual(unknown.nodes, [3]);
    assert.equal(unknown.message, "Edge 1 ends at node 3, which does not exist");
  }
  const loop = validateDag(2, [1, 1]);
  assert.ok(!loop.ok && loop.problem === "self-loop" && loop.nodes[0] === 1);
  const dup = validateDag(2, [0, 1, 0, 1]);
  assert.ok(!dup.ok && dup.problem === "duplicate-edge" && dup.edge === 1);
  const cycle = validateDag(4, [0, 1, 1, 2, 2, 3, 3, 1]);
  assert.ok(!cycle.ok && cycle.problem === "cycle");
  if (!cycle.ok) {
    assert.deepEqual(cycle.nodes, [1, 2, 3]);
    assert.equal(cycle.message, "The graph has a cycle: 1 -> 2 -> 3 -> 1");
  }
});

Deno.test("a graph of 10,000 nodes in a chain is ordered and levelled", () => {
  const n = 10_000;
  const edges = new Uint32Array(2 * (n - 1));
  for (let i = 0; i < n - 1; i++) {
    edges[2 * i] = i;
    edges[2 * i + 1] = i + 1;
  }
  assert.equal(topoSort(n, edges)[n - 1], n - 1);
  assert.equal(parallelLevels(n, edges).depth, n);
});

Deno.test("1,000 repeated calls leave WebAssembly memory unchanged once warm", () => {
  const edges = randomDag(2000, 8000, 42);
  const durations = new Float64Array(2000).fill(1);
  const work = () => {
    analyzeDag(2000, edges, { durations });
    topoSort(2000, edges);
    validateDag(2000, edges);
    assert.throws(() => topoSort(3, [0, 1, 1, 2, 2, 0]), GraphError);
  };
  for (let i = 0; i < 20; i++) work();
  const warm = graphCore().memory.buffer.byteLength;
  for (let i = 0; i < 1000; i++) work();
  assert.equal(graphCore().memory.buffer.byteLength, warm);
});

Deno.test("releaseGraphMemory() frees the buffers and the next call still works", () => {
  topoSort(3, [0, 1, 1, 2]);
  releaseGraphMemory();
  assert.deepEqual([...topoSort(3, [2, 1, 1, 0])], [2, 1, 0]);
});
