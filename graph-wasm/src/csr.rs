//! Compressed sparse rows built from a flat edge list `[from0, to0, from1, to1, ...]`.

use crate::error::{filled, GraphErr};

/// Adjacency in CSR form: the out-edges of `v` are `targets[offsets[v]..offsets[v + 1]]`.
pub struct Csr {
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
    /// The index of each entry of `targets` in the edge list (empty unless asked for).
    pub edge_ids: Vec<u32>,
    /// How many edges enter each node (leave it, for a reversed build); duplicates count.
    pub in_degree: Vec<u32>,
    /// The first edge that is a self-loop, if any.
    pub first_self_loop: Option<u32>,
}

impl Csr {
    /// The out-neighbours of `v`.
    #[inline]
    pub fn row(&self, v: u32) -> &[u32] {
        let start = self.offsets[v as usize] as usize;
        let end = self.offsets[v as usize + 1] as usize;
        &self.targets[start..end]
    }

    /// The out-neighbours of `v`, without range checks, for traversal loops.
    ///
    /// # Safety
    /// `v` must be a node of the graph (below `in_degree.len()`).
    #[inline(always)]
    pub unsafe fn row_unchecked(&self, v: u32) -> &[u32] {
        // `build` makes `n + 1` non-decreasing offsets, the last one `targets.len()`.
        let start = *self.offsets.get_unchecked(v as usize) as usize;
        let end = *self.offsets.get_unchecked(v as usize + 1) as usize;
        self.targets.get_unchecked(start..end)
    }

    /// The edge indices of the out-edges of `v`, parallel to `row(v)` (needs `with_ids`).
    #[inline]
    pub fn row_edges(&self, v: u32) -> &[u32] {
        let start = self.offsets[v as usize] as usize;
        let end = self.offsets[v as usize + 1] as usize;
        &self.edge_ids[start..end]
    }
}

/// Builds CSR rows in two passes over the edges: the first checks every endpoint (the lowest
/// flat index of a missing node is reported) and counts degrees, the second places targets.
/// `reverse` builds rows over in-edges; `with_ids` records each entry's edge index.
#[inline(always)]
pub fn build(n: u32, edges: &[u32], reverse: bool, with_ids: bool) -> Result<Csr, GraphErr> {
    // One copy per combination, so that the loops test no flag per edge. Left to the
    // WebAssembly engine, which compiles the shared copy before it has seen many calls, the
    // flags stayed in the loops and the build took a quarter longer.
    match (reverse, with_ids) {
        (false, false) => build_as::<false, false>(n, edges),
        (false, true) => build_as::<false, true>(n, edges),
        (true, false) => build_as::<true, false>(n, edges),
        (true, true) => build_as::<true, true>(n, edges),
    }
}

fn build_as<const REVERSE: bool, const WITH_IDS: bool>(
    n: u32,
    edges: &[u32],
) -> Result<Csr, GraphErr> {
    let m = edges.len() / 2;
    let (from, to) = if REVERSE { (1, 0) } else { (0, 1) };
    let len = n as usize;
    // Counts go to offsets[u + 2] so that filling through offsets[u + 1] leaves the offsets.
    let mut offsets: Vec<u32> = filled(len + 2, 0)?;
    let mut in_degree: Vec<u32> = filled(len, 0)?;
    let mut self_loops = false;
    for (e, pair) in edges.chunks_exact(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        if a.max(b) >= n {
            let (index, node) = if a >= n { (2 * e, a) } else { (2 * e + 1, b) };
            return Err(GraphErr::UnknownNode {
                index: index as u32,
                node,
            });
        }
        self_loops |= a == b;
        let (u, v) = if REVERSE { (b, a) } else { (a, b) };
        // SAFETY: both ends were checked to be below `n`; the arrays hold `n + 2` and `n`.
        unsafe {
            *offsets.get_unchecked_mut(u as usize + 2) += 1;
            *in_degree.get_unchecked_mut(v as usize) += 1;
        }
    }
    for k in 2..len + 2 {
        offsets[k] += offsets[k - 1];
    }
    let mut targets: Vec<u32> = filled(m, 0)?;
    let mut edge_ids: Vec<u32> = filled(if WITH_IDS { m } else { 0 }, 0)?;
    for (e, pair) in edges.chunks_exact(2).enumerate() {
        let s = pair[from] as usize + 1;
        // SAFETY: the first pass checked every end to be below `n` (so `s <= n` indexes the
        // `n + 2` offsets), and the slots of a row lie inside the `m` targets it counted.
        unsafe {
            let slot = *offsets.get_unchecked(s) as usize;
            *targets.get_unchecked_mut(slot) = pair[to];
            if WITH_IDS {
                *edge_ids.get_unchecked_mut(slot) = e as u32;
            }
            *offsets.get_unchecked_mut(s) += 1;
        }
    }
    offsets.pop();
    let first_self_loop = if self_loops {
        edges
            .chunks_exact(2)
            .position(|pair| pair[0] == pair[1])
            .map(|e| e as u32)
    } else {
        None
    };
    Ok(Csr {
        offsets,
        targets,
        edge_ids,
        in_degree,
        first_self_loop,
    })
}
