// Seeded random graphs shared by tests and benchmarks.

/** A small, fast seeded PRNG (mulberry32): numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random permutation of `0 .. n - 1`. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * A random DAG with `n` nodes and about `m` distinct edges (fewer when the graph is too small):
 * edges go from a lower to a higher rank of a hidden random order, so index order is no help.
 */
export function randomDag(n: number, m: number, seed: number): Uint32Array {
  const random = prng(seed);
  const rank = permutation(n, random);
  const byRank = new Uint32Array(n);
  for (let v = 0; v < n; v++) byRank[rank[v]!] = v;
  const max = (n * (n - 1)) / 2;
  const target = Math.min(m, max);
  const seen = new Set<number>();
  const edges = new Uint32Array(target * 2);
  let k = 0;
  let attempts = 0;
  while (k < target && attempts < target * 20) {
    attempts++;
    let a = Math.floor(random() * n);
    let b = Math.floor(random() * n);
    if (a === b) continue;
    if (a > b) [a, b] = [b, a];
    const key = a * n + b;
    if (seen.has(key)) continue;
    seen.add(key);
    edges[2 * k] = byRank[a]!;
    edges[2 * k + 1] = byRank[b]!;
    k++;
  }
  return edges.slice(0, 2 * k);
}

/** Random edges with no constraint at all: self-loops, duplicates and cycles allowed. */
export function randomGraph(n: number, m: number, seed: number): Uint32Array {
  const random = prng(seed);
  const edges = new Uint32Array(n === 0 ? 0 : m * 2);
  for (let i = 0; i < edges.length; i++) edges[i] = Math.floor(random() * n);
  return edges;
}
