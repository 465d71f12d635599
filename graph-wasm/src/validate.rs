//! Whole-graph validation: unknown nodes, self-loops, duplicate edges, then cycles.

use crate::csr::{build, Csr};
use crate::error::{filled, GraphErr};
use crate::topo::{complete, kahn_fifo};

/// `Ok` for a valid DAG; otherwise the first problem, checked in the order above. One Kahn
/// pass checks duplicates and cycles together; on either, a slower exact pass names the
/// earliest duplicate in input order.
pub fn validate(n: u32, edges: &[u32]) -> Result<(), GraphErr> {
    let csr = build(n, edges, false, false)?;
    reject_self_loop(&csr, edges)?;
    let mut deg = csr.in_degree.clone();
    let mut last_source: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut repeated = false;
    let order = kahn_fifo(n, &csr, &mut deg, |u, w| {
        repeated |= last_source[w as usize] == u;
        last_source[w as usize] = u;
    })?;
    if repeated || order.len() < n as usize {
        earliest_duplicate(n, edges)?;
    }
    complete(n, edges, order, &deg).map(|_| ())
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
