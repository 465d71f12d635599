//! Descendants and ancestors of a set of nodes (works on any graph, cyclic or not).

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};

/// Nodes reachable from `seeds` along edges (`forward`) or against them, ascending.
/// A seed is included when `inclusive` is set or when another path reaches it.
pub fn reach(
    n: u32,
    edges: &[u32],
    seeds: &[u32],
    forward: bool,
    inclusive: bool,
) -> Result<Vec<u32>, GraphErr> {
    let csr = build(n, edges, !forward, false)?;
    for (i, &s) in seeds.iter().enumerate() {
        if s >= n {
            return Err(GraphErr::BadArgument {
                argument: 2,
                index: i as u32,
            });
        }
    }
    let mut marked: Vec<bool> = filled(n as usize, false)?;
    let mut stack: Vec<u32> = with_capacity(0)?;
    for &s in seeds {
        if inclusive && !marked[s as usize] {
            marked[s as usize] = true;
        }
        for &w in csr.row(s) {
            if !marked[w as usize] {
                marked[w as usize] = true;
                stack.push(w);
            }
        }
    }
    while let Some(x) = stack.pop() {
        for &y in csr.row(x) {
            if !marked[y as usize] {
                marked[y as usize] = true;
                stack.push(y);
            }
        }
    }
    let mut out: Vec<u32> = with_capacity(0)?;
    for v in 0..n {
        if marked[v as usize] {
            out.push(v);
        }
    }
    Ok(out)
}
