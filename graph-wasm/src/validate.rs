//! Whole-graph validation: unknown nodes, self-loops, duplicate edges, then cycles.

use crate::csr::{build, Csr};
use crate::error::{filled, GraphErr};
use crate::topo::{complete, kahn_fifo};

/// `Ok` for a valid DAG; otherwise the first problem, checked in the order above.
pub fn validate(n: u32, edges: &[u32]) -> Result<(), GraphErr> {
    let csr = build(n, edges, false, false)?;
    check_built(n, edges, &csr, |deg, visit| kahn_fifo(n, &csr, deg, visit))
}

/// Validation over a CSR already built, through a Kahn traversal the caller chooses (so a
/// caller that needs a particular order gets it from the same pass). On a duplicate edge or a
/// cycle, a slower exact pass names the earliest duplicate in input order.
pub fn check_built<K>(n: u32, edges: &[u32], csr: &Csr, traverse: K) -> Result<(), GraphErr>
where
    K: FnOnce(&mut [u32], &mut dyn FnMut(u32, u32)) -> Result<Vec<u32>, GraphErr>,
{
    if let Some(edge) = csr.first_self_loop {
        return Err(GraphErr::SelfLoop {
            edge,
            node: edges[2 * edge as usize],
        });
    }
    let mut deg = csr.in_degree.clone();
    let mut last_source: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut repeated = false;
    let order = traverse(&mut deg, &mut |u, w| {
        repeated |= last_source[w as usize] == u;
        last_source[w as usize] = u;
    })?;
    if repeated || order.len() < n as usize {
        earliest_duplicate(n, edges)?;
    }
    complete(n, edges, order, &deg).map(|_| ())
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
