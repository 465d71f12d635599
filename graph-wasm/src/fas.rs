//! Opt-in cycle breaking: a small feedback arc set by the Eades-Lin-Smyth greedy ordering.

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};
use core::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Work allowed for the pass that puts dropped edges back (edge visits).
const RESTORE_BUDGET: u64 = 50_000_000;

struct Candidate {
    delta: i64,
    priority: f64,
    node: u32,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    /// Greatest first: the largest out-minus-in degree, then the lowest priority (its incoming
    /// edges are the ones dropped), then the lowest index.
    fn cmp(&self, other: &Self) -> Ordering {
        self.delta
            .cmp(&other.delta)
            .then_with(|| other.priority.total_cmp(&self.priority))
            .then_with(|| other.node.cmp(&self.node))
    }
}

/// Indices (ascending) of edges whose removal leaves the graph acyclic.
///
/// Nodes are ordered greedily (sinks to the back, sources to the front, otherwise the node with
/// the largest out-minus-in degree, preferring low priority); edges that point backwards in the
/// order are dropped. Then dropped edges are put back, the highest-priority target first,
/// whenever that does not close a cycle, so the set is minimal unless the work budget runs out.
pub fn break_cycles(n: u32, edges: &[u32], priority: Option<&[f64]>) -> Result<Vec<u32>, GraphErr> {
    let len = n as usize;
    let m = edges.len() / 2;
    let out_csr = build(n, edges, false, true)?;
    let in_csr = build(n, edges, true, false)?;
    let prio = |v: u32| priority.map_or(0.0, |p| p[v as usize]);
    let mut outdeg: Vec<i64> = filled(len, 0)?;
    let mut indeg: Vec<i64> = filled(len, 0)?;
    for e in 0..m {
        let (u, v) = (edges[2 * e], edges[2 * e + 1]);
        if u != v {
            outdeg[u as usize] += 1;
            indeg[v as usize] += 1;
        }
    }
    let mut removed: Vec<bool> = filled(len, false)?;
    let mut sinks: VecDeque<u32> = VecDeque::new();
    let mut sources: VecDeque<u32> = VecDeque::new();
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::new();
    heap.try_reserve(len).map_err(|_| GraphErr::OutOfMemory)?;
    for v in 0..n {
        let i = v as usize;
        if outdeg[i] == 0 {
            sinks.push_back(v);
        } else if indeg[i] == 0 {
            sources.push_back(v);
        }
        heap.push(Candidate {
            delta: outdeg[i] - indeg[i],
            priority: prio(v),
            node: v,
        });
    }
    let mut front: Vec<u32> = with_capacity(len)?;
    let mut back: Vec<u32> = with_capacity(len)?;
    let mut left = len;
    while left > 0 {
        let pick = if let Some(v) = sinks.pop_front() {
            if removed[v as usize] || outdeg[v as usize] != 0 {
                continue;
            }
            back.push(v);
            v
        } else if let Some(v) = sources.pop_front() {
            if removed[v as usize] || indeg[v as usize] != 0 {
                continue;
            }
            front.push(v);
            v
        } else {
            match heap.pop() {
                Some(c) => {
                    let i = c.node as usize;
                    if removed[i] || c.delta != outdeg[i] - indeg[i] {
                        continue;
                    }
                    front.push(c.node);
                    c.node
                }
                None => break,
            }
        };
        removed[pick as usize] = true;
        left -= 1;
        for &w in out_csr.row(pick) {
            let i = w as usize;
            if w == pick || removed[i] {
                continue;
            }
            indeg[i] -= 1;
            if indeg[i] == 0 {
                sources.push_back(w);
            }
            heap.push(Candidate {
                delta: outdeg[i] - indeg[i],
                priority: prio(w),
                node: w,
            });
        }
        for &p in in_csr.row(pick) {
            let i = p as usize;
            if p == pick || removed[i] {
                continue;
            }
            outdeg[i] -= 1;
            if outdeg[i] == 0 {
                sinks.push_back(p);
            }
            heap.push(Candidate {
                delta: outdeg[i] - indeg[i],
                priority: prio(p),
                node: p,
            });
        }
    }
    let mut position: Vec<u32> = filled(len, 0)?;
    for (i, &v) in front.iter().chain(back.iter().rev()).enumerate() {
        position[v as usize] = i as u32;
    }
    let mut kept: Vec<bool> = filled(m, true)?;
    let mut dropped: Vec<u32> = with_capacity(0)?;
    for e in 0..m {
        let (u, v) = (edges[2 * e], edges[2 * e + 1]);
        if position[u as usize] >= position[v as usize] {
            kept[e] = false;
            dropped.push(e as u32);
        }
    }
    restore(n, edges, &out_csr, &mut kept, &mut dropped, priority)?;
    dropped.sort_unstable();
    Ok(dropped)
}

/// Puts dropped edges back while that closes no cycle (u -> v closes one iff v reaches u).
fn restore(
    n: u32,
    edges: &[u32],
    csr: &crate::csr::Csr,
    kept: &mut [bool],
    dropped: &mut Vec<u32>,
    priority: Option<&[f64]>,
) -> Result<(), GraphErr> {
    let prio = |e: u32| priority.map_or(0.0, |p| p[edges[2 * e as usize + 1] as usize]);
    dropped.sort_by(|&a, &b| prio(b).total_cmp(&prio(a)).then(a.cmp(&b)));
    let mut stamp: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut stack: Vec<u32> = with_capacity(0)?;
    let mut work: u64 = 0;
    let mut still: Vec<u32> = with_capacity(dropped.len())?;
    for (k, &e) in dropped.iter().enumerate() {
        let (u, v) = (edges[2 * e as usize], edges[2 * e as usize + 1]);
        if u == v || work > RESTORE_BUDGET {
            still.push(e);
            continue;
        }
        let mark = k as u32;
        let mut closes = false;
        stamp[v as usize] = mark;
        stack.clear();
        stack.push(v);
        'search: while let Some(x) = stack.pop() {
            for (&y, &id) in csr.row(x).iter().zip(csr.row_edges(x)) {
                work += 1;
                if !kept[id as usize] || stamp[y as usize] == mark {
                    continue;
                }
                if y == u {
                    closes = true;
                    break 'search;
                }
                stamp[y as usize] = mark;
                stack.push(y);
            }
        }
        if closes {
            still.push(e);
        } else {
            kept[e as usize] = true;
        }
    }
    *dropped = still;
    Ok(())
}
