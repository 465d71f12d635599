//! The planner's one-call job: validate, order, level and schedule a DAG together.

use crate::critical::{check_durations, Forward, Schedule};
use crate::csr::{build, Csr};
use crate::error::{with_capacity, GraphErr};
use crate::heap::RankedReady;
use crate::topo::{find_cycle, group_levels, Levels};
use crate::validate::{earliest_duplicate, reject_self_loop};

/// Everything a planner needs about a DAG, from one pass over its edges.
pub struct Analysis {
    pub order: Vec<u32>,
    pub levels: Levels,
    pub schedule: Option<Schedule>,
}

/// What the traversal keeps per node, side by side so that visiting an edge touches one
/// cache line of its target instead of one per array (the traversal is memory-bound).
/// Aligned so that no node straddles two cache lines.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct NodeState {
    earliest: f64,
    duration: f64,
    deg: u32,
    last_source: u32,
    level: u32,
    via: u32,
}

/// Validates (as `validate`), then orders (as `topo_sort`), levels and, given durations,
/// schedules the graph. The adjacency is built once, and one deterministic traversal makes
/// the order and does the duplicate check, the levels and the forward pass of the critical
/// path as it goes.
pub fn analyze(
    n: u32,
    edges: &[u32],
    durations: Option<&[f64]>,
    priority: Option<&[f64]>,
) -> Result<Analysis, GraphErr> {
    if let Some(d) = durations {
        check_durations(d, 1)?;
    }
    let csr = build(n, edges, false, false)?;
    reject_self_loop(&csr, edges)?;
    let len = n as usize;
    let mut state: Vec<NodeState> = with_capacity(len)?;
    let mut ready = RankedReady::new(n, priority)?;
    for v in 0..len {
        let deg = csr.in_degree[v];
        if deg == 0 {
            ready.push(v as u32);
        }
        state.push(NodeState {
            earliest: 0.0,
            duration: durations.map_or(0.0, |d| d[v]),
            deg,
            last_source: u32::MAX,
            level: 0,
            via: u32::MAX,
        });
    }
    let mut order: Vec<u32> = with_capacity(len)?;
    let mut rows = match durations {
        Some(_) => Some(OrderedRows::new(len, edges.len() / 2)?),
        None => None,
    };
    let mut repeated = false;
    while let Some(u) = ready.pop() {
        order.push(u);
        let from = state[u as usize];
        let next = from.level + 1;
        let finish = from.earliest + from.duration;
        let row = csr.row(u);
        if let Some(next) = ready.peek() {
            touch_ahead(&csr, &state, next);
        }
        if let Some(rows) = rows.as_mut() {
            rows.push(row, from.duration);
        }
        for &w in row {
            let s = &mut state[w as usize];
            repeated |= s.last_source == u;
            s.last_source = u;
            if s.level < next {
                s.level = next;
            }
            if s.via == u32::MAX || finish > s.earliest || (finish == s.earliest && u < s.via) {
                s.earliest = finish;
                s.via = u;
            }
            s.deg -= 1;
            if s.deg == 0 {
                ready.push(w);
            }
        }
    }
    if repeated || order.len() < len {
        earliest_duplicate(n, edges)?;
    }
    if order.len() < len {
        let deg: Vec<u32> = state.iter().map(|s| s.deg).collect();
        return Err(GraphErr::Cycle(find_cycle(n, edges, &deg)?));
    }
    let levels = group_levels(state.iter().map(|s| s.level).collect())?;
    let schedule = match (durations, rows) {
        (Some(d), Some(rows)) => Some(schedule(&state, d, &order, &rows)?),
        _ => None,
    };
    Ok(Analysis {
        order,
        levels,
        schedule,
    })
}

/// Loads what the traversal will need for `next` (its state, its row and its first
/// successor's state) without using it, so that those cache misses overlap the current node's
/// work: WebAssembly has no prefetch instruction, and the traversal is bound by memory latency.
#[inline]
fn touch_ahead(csr: &Csr, state: &[NodeState], next: u32) {
    let row = csr.row(next);
    // SAFETY: both references are valid and aligned; volatile keeps the unused loads.
    unsafe {
        core::ptr::read_volatile(&state[next as usize].deg);
        if let Some(&first) = row.first() {
            core::ptr::read_volatile(&state[first as usize].deg);
        }
    }
}

/// The out-rows of the nodes in traversal order, copied as the traversal reads them, so that
/// the backward pass reads them sequentially instead of looking up each node's row again.
struct OrderedRows {
    targets: Vec<u32>,
    /// Where the row of the node at each position of the order ends in `targets`.
    ends: Vec<u32>,
    durations: Vec<f64>,
}

impl OrderedRows {
    fn new(nodes: usize, edges: usize) -> Result<Self, GraphErr> {
        Ok(OrderedRows {
            targets: with_capacity(edges)?,
            ends: with_capacity(nodes)?,
            durations: with_capacity(nodes)?,
        })
    }

    #[inline]
    fn push(&mut self, row: &[u32], duration: f64) {
        self.targets.extend_from_slice(row);
        self.ends.push(self.targets.len() as u32);
        self.durations.push(duration);
    }

    /// Latest starts, last position of the order first.
    fn backward(&self, order: &[u32], makespan: f64, latest: &mut [f64]) {
        let mut stop = self.targets.len();
        for i in (0..order.len()).rev() {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            let mut bound = makespan;
            for &w in &self.targets[start..stop] {
                let l = latest[w as usize];
                if l < bound {
                    bound = l;
                }
            }
            latest[order[i] as usize] = bound - self.durations[i];
            stop = start;
        }
    }
}

/// The schedule from the forward results kept in `state` (shared with `critical_path`).
fn schedule(
    state: &[NodeState],
    durations: &[f64],
    order: &[u32],
    rows: &OrderedRows,
) -> Result<Schedule, GraphErr> {
    let mut forward = Forward::new(durations)?;
    for (v, s) in state.iter().enumerate() {
        forward.earliest[v] = s.earliest;
        forward.via[v] = s.via;
    }
    forward.finish_with(|makespan, latest| rows.backward(order, makespan, latest))
}
