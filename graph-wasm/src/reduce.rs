//! Transitive reduction of a DAG: which edges can go without changing reachability.

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};
use crate::topo::any_order;

/// The indices of redundant edges, ascending. Duplicates of an edge are redundant too.
///
/// For each node with two or more successors, the successors are visited in topological order;
/// a successor already reached from an earlier one is redundant, otherwise everything below it
/// is marked, stopping at nodes that sort after the last successor (they cannot lead back to
/// one). Chains and trees cost O(n + m); the worst case (dense graphs) stays O(n * m).
pub fn transitive_reduction(n: u32, edges: &[u32]) -> Result<Vec<u32>, GraphErr> {
    let csr = build(n, edges, false, true)?;
    let order = any_order(&csr, edges)?;
    let mut position: Vec<u32> = filled(n as usize, 0)?;
    for (i, &v) in order.iter().enumerate() {
        position[v as usize] = i as u32;
    }
    let mut stamp: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut redundant: Vec<u32> = with_capacity(0)?;
    let mut succ: Vec<(u32, u32)> = with_capacity(0)?;
    let mut stack: Vec<u32> = with_capacity(0)?;
    for u in 0..n {
        let row = csr.row(u);
        // One successor: no other path can start at u, so its edge is never redundant.
        if row.len() < 2 {
            continue;
        }
        succ.clear();
        for (&w, &e) in row.iter().zip(csr.row_edges(u)) {
            succ.push((position[w as usize], e));
        }
        succ.sort_unstable();
        // Nothing after the last successor in topological order can lead to a successor.
        let horizon = succ[succ.len() - 1].0;
        for &(pos, e) in &succ {
            let w = order[pos as usize];
            if stamp[w as usize] == u {
                redundant.push(e);
                continue;
            }
            stamp[w as usize] = u;
            stack.push(w);
            while let Some(x) = stack.pop() {
                for &y in csr.row(x) {
                    if stamp[y as usize] != u && position[y as usize] <= horizon {
                        stamp[y as usize] = u;
                        stack.push(y);
                    }
                }
            }
        }
    }
    redundant.sort_unstable();
    Ok(redundant)
}
