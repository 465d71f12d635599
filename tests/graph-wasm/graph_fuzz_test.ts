import assert from "node:assert/strict";
import fc from "fast-check";
import * as graph from "../../graph-wasm/mod.ts";
import { graphCore, Status } from "../../graph-wasm/_instance.ts";

/** Any answer is fine; a trap (WebAssembly.RuntimeError) or an untyped error is not. */
function expectTypedOutcome(job: () => unknown): void {
  try {
    job();
  } catch (error) {
    assert.ok(
      error instanceof TypeError || error instanceof RangeError ||
        error instanceof graph.GraphError,
      `unexpected ${(error as Error)?.name}: ${(error as Error)?.message}`,
    );
  }
}

Deno.test("raw exports: random counts over random staged bytes never trap", () => {
  const core = graphCore();
  const jobs: Array<(a: number, b: number, c: number, d: number) => number> = [
    (a, b) => core.baton_graph_validate(a, b),
    (a, b, c) => core.baton_graph_topo_sort(a, b, c),
    (a, b) => core.baton_graph_levels(a, b),
    (a, b) => core.baton_graph_critical_path(a, b),
    (a, b) => core.baton_graph_transitive_reduction(a, b),
    (a, b, c, d) => core.baton_graph_descendants(a, b, c, d),
    (a, b, c, d) => core.baton_graph_ancestors(a, b, c, d),
    (a, b, c) => core.baton_graph_break_cycles(a, b, c),
    (a, b, c) => core.baton_graph_analyze(a, b, c),
  ];
  // Huge node counts are tried once each below: every one grows memory towards 4 GiB.
  const count = fc.oneof(
    fc.integer({ min: 0, max: 64 }),
    fc.integer({ min: 0, max: 100_000 }),
    fc.constantFrom(0, 1, 0x80000000, 0xffffffff),
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 2048 }),
      fc.integer({ min: 0, max: jobs.length - 1 }),
      count,
      count,
      count,
      count,
      (bytes, which, a, b, c, d) => {
        const ptr = core.baton_graph_input(bytes.length);
        new Uint8Array(core.memory.buffer, ptr, bytes.length).set(bytes);
        const status = jobs[which]!(a, b, c, d);
        assert.ok(status >= Status.ok && status <= Status.badArgument, `status ${status}`);
        assert.ok(core.baton_graph_output_bytes() >= 16);
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("raw exports: oversized inputs and node counts are refused, not trapped", () => {
  const core = graphCore();
  core.baton_graph_input(0);
  assert.equal(core.baton_graph_validate(0x7fffffff, 0), Status.outOfMemory);
  assert.equal(core.baton_graph_topo_sort(0x7fffffff, 0, 0), Status.outOfMemory);
  assert.equal(core.baton_graph_validate(0x80000000, 0), Status.badArgument);
  assert.equal(core.baton_graph_input(0xffffffff), 0);
  assert.equal(core.baton_graph_input(0x7fffffff), 0);
  assert.equal(core.baton_graph_validate(3, 1), Status.badArgument);
});

Deno.test("public functions: random values of every type give a result or a typed error", () => {
  const value = fc.oneof(
    fc.integer({ min: -5, max: 40 }),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -0, 2 ** 31, 2 ** 32, null, undefined, "3", {}),
  );
  const list = fc.oneof(
    fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }),
    fc.array(value, { maxLength: 20 }),
    fc.uint32Array({ maxLength: 60 }),
    fc.uint32Array({ maxLength: 60, max: 40 }),
    fc.float64Array({ maxLength: 40 }),
    fc.constantFrom(null, "0,1", { length: 2 }),
  );
  fc.assert(
    fc.property(value, list, list, fc.boolean(), (n, edges, extra, flag) => {
      const N = n as number;
      const E = edges as number[];
      const X = extra as number[];
      expectTypedOutcome(() => graph.validateDag(N, E));
      expectTypedOutcome(() => graph.topoSort(N, E, flag ? { priority: X } : {}));
      expectTypedOutcome(() => graph.parallelLevels(N, E));
      expectTypedOutcome(() => graph.criticalPath(N, E, X));
      expectTypedOutcome(() => graph.transitiveReduction(N, E));
      expectTypedOutcome(() => graph.descendants(N, E, X, { inclusive: flag }));
      expectTypedOutcome(() => graph.ancestors(N, E, X));
      expectTypedOutcome(() => graph.breakCycles(N, E, flag ? { priority: X } : {}));
      expectTypedOutcome(() => graph.analyzeDag(N, E, flag ? { durations: X } : {}));
    }),
    { numRuns: 1500 },
  );
});
