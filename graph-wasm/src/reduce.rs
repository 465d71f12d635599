//! Transitive reduction of a DAG: which edges can go without changing reachability.

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};
use crate::topo::any_order;

/// The indices of redundant edges, ascending. Duplicates of an edge are redundant too.
///
/// For each node, its successors are visited in topological order; a successor already reached
/// from an earlier one is redundant, otherwise everything below it is marked. Worst case
/// O(n * m), which plans of thousands of steps never approach in practice.
pub fn transitive_reduction(n: u32, edges: &[u32]) -> Result<Vec<u32>, GraphErr> {
    let csr = build(n, edges, false, true)?;
    let order = any_order(n, &csr, edges)?;
    let mut position: Vec<u32> = filled(n as usize, 0)?;
    for (i, &v) in order.iter().enumerate() {
        position[v as usize] = i as u32;
    }
    let mut stamp: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut redundant: Vec<u32> = with_capacity(0)?;
    let mut succ: Vec<(u32, u32)> = with_capacity(0)?;
    let mut stack: Vec<u32> = with_capacity(0)?;
    for u in 0..n {
        succ.clear();
        for (&w, &e) in csr.row(u).iter().zip(csr.row_edges(u)) {
            succ.push((position[w as usize], e));
        }
        succ.sort_unstable();
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
                    if stamp[y as usize] != u {
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
