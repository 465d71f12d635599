import { graphCore } from "./_instance.ts";

/**
 * Frees the graph core's input and output buffers. They are kept between calls so repeated
 * analyses allocate nothing; call this after analysing an unusually large graph. (WebAssembly
 * memory itself never shrinks, but the freed space is reused by the next calls.)
 *
 * @example Free the buffers after a large job
 * ```ts
 * import { releaseGraphMemory, topoSort } from "@baton/baton/graph";
 *
 * topoSort(3, [0, 1, 1, 2]);
 * releaseGraphMemory();
 * ```
 */
export function releaseGraphMemory(): void {
  graphCore().baton_graph_release();
}
