// A plain TypeScript implementation of the graph core over typed arrays. It is the reference
// the WebAssembly results are checked against, and the TypeScript peer in bench/graph_bench.ts.
// Tie rules match the Rust crate exactly so results can be compared value for value.

/** Out-edges in CSR form. */
export interface Csr {
  offsets: Uint32Array;
  targets: Uint32Array;
}

export function buildCsr(n: number, edges: Uint32Array, reverse = false): Csr {
  const m = edges.length >> 1;
  const from = reverse ? 1 : 0;
  const to = reverse ? 0 : 1;
  const offsets = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) offsets[edges[2 * e + from]! + 1]!++;
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const cursor = offsets.slice(0, n);
  const targets = new Uint32Array(m);
  for (let e = 0; e < m; e++) {
    const s = edges[2 * e + from]!;
    targets[cursor[s]!++] = edges[2 * e + to]!;
  }
  return { offsets, targets };
}

function inDegrees(n: number, edges: Uint32Array): Uint32Array {
  const deg = new Uint32Array(n);
  for (let i = 1; i < edges.length; i += 2) deg[edges[i]!]!++;
  return deg;
}

/** Some topological order (FIFO Kahn), or null when there is a cycle. */
export function anyOrder(n: number, csr: Csr, edges: Uint32Array): Uint32Array | null {
  const deg = inDegrees(n, edges);
  const order = new Uint32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) if (deg[v] === 0) order[tail++] = v;
  const { offsets, targets } = csr;
  for (let head = 0; head < tail; head++) {
    const u = order[head]!;
    for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
      const w = targets[i]!;
      if (--deg[w]! === 0) order[tail++] = w;
    }
  }
  return tail === n ? order : null;
}

/** True when the graph has no cycle (self-loops are cycles). */
export function isAcyclic(n: number, edges: Uint32Array): boolean {
  return anyOrder(n, buildCsr(n, edges), edges) !== null;
}

/** Deterministic order: higher priority first, then lower index; null on a cycle. */
export function topoSort(
  n: number,
  edges: Uint32Array,
  priority?: Float64Array,
): Uint32Array | null {
  const { offsets, targets } = buildCsr(n, edges);
  const deg = inDegrees(n, edges);
  const heap = new Uint32Array(n);
  let size = 0;
  const before = (a: number, b: number): boolean => {
    if (priority) {
      const pa = priority[a]!;
      const pb = priority[b]!;
      if (pa !== pb) return pa > pb;
    }
    return a < b;
  };
  const push = (v: number): void => {
    let i = size++;
    heap[i] = v;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[i]!, heap[p]!)) break;
      const t = heap[i]!;
      heap[i] = heap[p]!;
      heap[p] = t;
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    heap[0] = heap[--size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < size && before(heap[l]!, heap[best]!)) best = l;
      if (r < size && before(heap[r]!, heap[best]!)) best = r;
      if (best === i) break;
      const t = heap[i]!;
      heap[i] = heap[best]!;
      heap[best] = t;
      i = best;
    }
    return top;
  };
  for (let v = 0; v < n; v++) if (deg[v] === 0) push(v);
  const order = new Uint32Array(n);
  let k = 0;
  while (size > 0) {
    const u = pop();
    order[k++] = u;
    for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
      const w = targets[i]!;
      if (--deg[w]! === 0) push(w);
    }
  }
  return k === n ? order : null;
}

/** The level of every node, or null on a cycle. */
export function levels(n: number, edges: Uint32Array): Uint32Array | null {
  const csr = buildCsr(n, edges);
  const order = anyOrder(n, csr, edges);
  if (order === null) return null;
  const level = new Uint32Array(n);
  const { offsets, targets } = csr;
  for (let k = 0; k < n; k++) {
    const u = order[k]!;
    const next = level[u]! + 1;
    for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
      const w = targets[i]!;
      if (level[w]! < next) level[w] = next;
    }
  }
  return level;
}

/** Critical path method with the Rust crate's tie rules; null on a cycle. */
export function criticalPath(
  n: number,
  edges: Uint32Array,
  durations: Float64Array,
): {
  earliest: Float64Array;
  latest: Float64Array;
  slack: Float64Array;
  makespan: number;
  path: number[];
} | null {
  const csr = buildCsr(n, edges);
  const order = anyOrder(n, csr, edges);
  if (order === null) return null;
  const { offsets, targets } = csr;
  const earliest = new Float64Array(n);
  const via = new Uint32Array(n).fill(0xffffffff);
  for (let k = 0; k < n; k++) {
    const u = order[k]!;
    const finish = earliest[u]! + durations[u]!;
    for (let i = offsets[u]!, end = offsets[u + 1]!; i < end; i++) {
      const w = targets[i]!;
      const current = via[w]!;
      if (
        current === 0xffffffff || finish > earliest[w]! || (finish === earliest[w] && u < current)
      ) {
        earliest[w] = finish;
        via[w] = u;
      }
    }
  }
  let makespan = 0;
  let end = -1;
  for (let v = 0; v < n; v++) {
    const finish = earliest[v]! + durations[v]!;
    if (end === -1 || finish > makespan) {
      makespan = finish;
      end = v;
    }
  }
  const latest = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const u = order[k]!;
    let bound = makespan;
    for (let i = offsets[u]!, e = offsets[u + 1]!; i < e; i++) {
      const l = latest[targets[i]!]!;
      if (l < bound) bound = l;
    }
    latest[u] = bound - durations[u]!;
  }
  const slack = new Float64Array(n);
  for (let v = 0; v < n; v++) slack[v] = latest[v]! - earliest[v]!;
  const path: number[] = [];
  for (let cur = end; cur !== -1 && cur !== 0xffffffff; cur = via[cur]!) path.push(cur);
  path.reverse();
  return { earliest, latest, slack, makespan, path };
}

/** Every node reachable from `seeds` (forward or backward), as a boolean mask. */
export function reachMask(
  n: number,
  edges: Uint32Array,
  seeds: ArrayLike<number>,
  forward: boolean,
  inclusive: boolean,
): Uint8Array {
  const { offsets, targets } = buildCsr(n, edges, !forward);
  const marked = new Uint8Array(n);
  const stack: number[] = [];
  for (let s = 0; s < seeds.length; s++) {
    const seed = seeds[s]!;
    if (inclusive) marked[seed] = 1;
    for (let i = offsets[seed]!, end = offsets[seed + 1]!; i < end; i++) {
      const w = targets[i]!;
      if (!marked[w]) {
        marked[w] = 1;
        stack.push(w);
      }
    }
  }
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (let i = offsets[x]!, end = offsets[x + 1]!; i < end; i++) {
      const y = targets[i]!;
      if (!marked[y]) {
        marked[y] = 1;
        stack.push(y);
      }
    }
  }
  return marked;
}

/** Whether a cycle given as a node path is a real cycle of the graph. */
export function isCycleOf(edges: Uint32Array, cycle: readonly number[]): boolean {
  if (cycle.length === 0) return false;
  const present = new Set<string>();
  for (let i = 0; i < edges.length; i += 2) present.add(`${edges[i]}>${edges[i + 1]}`);
  if (new Set(cycle).size !== cycle.length) return false;
  return cycle.every((v, i) => present.has(`${v}>${cycle[(i + 1) % cycle.length]}`));
}

/** Whether `order` lists every node once, each after all of its predecessors. */
export function isTopologicalOrder(
  n: number,
  edges: Uint32Array,
  order: ArrayLike<number>,
): boolean {
  if (order.length !== n) return false;
  const position = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    if (v >= n || position[v] !== -1) return false;
    position[v] = i;
  }
  for (let i = 0; i < edges.length; i += 2) {
    if (position[edges[i]!]! >= position[edges[i + 1]!]!) return false;
  }
  return true;
}

/** Keeps the edges whose index is not in `drop`. */
export function withoutEdges(edges: Uint32Array, drop: ArrayLike<number>): Uint32Array {
  const gone = new Set(Array.from(drop));
  const kept: number[] = [];
  for (let e = 0; e < edges.length / 2; e++) {
    if (!gone.has(e)) kept.push(edges[2 * e]!, edges[2 * e + 1]!);
  }
  return Uint32Array.from(kept);
}

/** Full validation as the graph core does it: endpoints, self-loops, duplicates, cycles. */
export function isValidDag(n: number, edges: Uint32Array): boolean {
  for (let i = 0; i < edges.length; i++) if (edges[i]! >= n) return false;
  for (let i = 0; i < edges.length; i += 2) if (edges[i] === edges[i + 1]) return false;
  const csr = buildCsr(n, edges);
  const lastSource = new Int32Array(n).fill(-1);
  for (let u = 0; u < n; u++) {
    for (let i = csr.offsets[u]!, end = csr.offsets[u + 1]!; i < end; i++) {
      const w = csr.targets[i]!;
      if (lastSource[w] === u) return false;
      lastSource[w] = u;
    }
  }
  return anyOrder(n, csr, edges) !== null;
}
