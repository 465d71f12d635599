//! Whole-graph validation: unknown nodes, self-loops, duplicate edges, then cycles.

use crate::csr::{build, Csr};
use crate::error::{filled, GraphErr};
use crate::walk::Walk;

/// `Ok` for a valid DAG; otherwise the first problem, checked in the order above.
pub fn validate(n: u32, edges: &[u32]) -> Result<(), GraphErr> {
    checked_walk(n, edges, Walk::first_come::<false, true>).map(|_| ())
}

/// Builds the graph and walks it with `walk` (one made with `REPEATS`), failing with the
/// graph's first problem: an unknown node, a self-loop, a repeated edge, a cycle. The traversal
/// checks repeats and cycles together; on either, a slower exact pass names the earliest repeat
/// in input order.
pub fn checked_walk(
    n: u32,
    edges: &[u32],
    walk: impl FnOnce(&Csr) -> Result<Walk, GraphErr>,
) -> Result<Walk, GraphErr> {
    let csr = build(n, edges, false, false)?;
    reject_self_loop(&csr, edges)?;
    let walk = walk(&csr)?;
    if walk.order.len() < n as usize || walk.repeats_an_edge(&csr)? {
        earliest_duplicate(n, edges)?;
    }
    walk.check_complete(edges)?;
    Ok(walk)
}

/// Fails on the first self-loop the CSR build found.
pub fn reject_self_loop(csr: &Csr, edges: &[u32]) -> Result<(), GraphErr> {
    match csr.first_self_loop {
        Some(edge) => Err(GraphErr::SelfLoop {
            edge,
            node: edges[2 * edge as usize],
        }),
        None => Ok(()),
    }
}

/// Fails with the earliest repeated edge in input order, if any.
pub fn earliest_duplicate(n: u32, edges: &[u32]) -> Result<(), GraphErr> {
    let csr = build(n, edges, false, true)?;
    let mut last: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut last_source: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut duplicate: Option<(u32, u32)> = None;
    for u in 0..n {
        for (&w, &e) in csr.row(u).iter().zip(csr.row_edges(u)) {
            if last_source[w as usize] == u {
                if duplicate.map_or(true, |(d, _)| e < d) {
                    duplicate = Some((e, last[w as usize]));
                }
            } else {
                last_source[w as usize] = u;
                last[w as usize] = e;
            }
        }
    }
    match duplicate {
        Some((edge, first)) => Err(GraphErr::DuplicateEdge { edge, first }),
        None => Ok(()),
    }
}
