// Builds a graphology graph from a flat edge list (the interop side of the cross-checks).
import { DirectedGraph } from "graphology";

export function toGraphology(n: number, edges: Uint32Array): DirectedGraph {
  const graph = new DirectedGraph({ multi: false, allowSelfLoops: true });
  for (let v = 0; v < n; v++) graph.addNode(String(v));
  for (let i = 0; i < edges.length; i += 2) {
    graph.mergeEdge(String(edges[i]), String(edges[i + 1]));
  }
  return graph;
}
