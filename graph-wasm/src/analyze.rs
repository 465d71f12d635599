//! The planner's one-call job: validate, order, level and schedule a DAG together.

use crate::critical::{check_durations, Forward, Schedule};
use crate::csr::build;
use crate::error::{with_capacity, GraphErr};
use crate::topo::{find_cycle, group_levels, kahn_ranked, Levels};
use crate::validate::{earliest_duplicate, reject_self_loop};

/// Everything a planner needs about a DAG, from one pass over its edges.
pub struct Analysis {
    pub order: Vec<u32>,
    pub levels: Levels,
    pub schedule: Option<Schedule>,
}

/// What the traversal keeps per node, side by side so that visiting an edge touches one
/// cache line of its target instead of one per array (the traversal is memory-bound).
#[derive(Clone, Copy)]
struct NodeState {
    earliest: f64,
    deg: u32,
    last_source: u32,
    level: u32,
    via: u32,
}

/// Validates (as `validate`), then orders (as `topo_sort`), levels and, given durations,
/// schedules the graph. The adjacency is built once and one deterministic traversal does the
/// duplicate check, the levels and the forward pass of the critical path together.
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
    for v in 0..len {
        state.push(NodeState {
            earliest: 0.0,
            deg: csr.in_degree[v],
            last_source: u32::MAX,
            level: 0,
            via: u32::MAX,
        });
    }
    let zero: Vec<f64> = Vec::new();
    let dur: &[f64] = durations.unwrap_or(&zero);
    let timed = durations.is_some();
    // Pass 1, breadth-first: the next node is known in advance, so the memory accesses of
    // consecutive nodes overlap. It validates and does all per-edge work.
    let mut fifo: Vec<u32> = with_capacity(len)?;
    for (v, s) in state.iter().enumerate() {
        if s.deg == 0 {
            fifo.push(v as u32);
        }
    }
    let mut repeated = false;
    let mut head = 0;
    while head < fifo.len() {
        let u = fifo[head];
        head += 1;
        let from = state[u as usize];
        let next = from.level + 1;
        let finish = if timed {
            from.earliest + dur[u as usize]
        } else {
            0.0
        };
        for &w in csr.row(u) {
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
                fifo.push(w);
            }
        }
    }
    if repeated || fifo.len() < len {
        earliest_duplicate(n, edges)?;
    }
    if fifo.len() < len {
        let deg: Vec<u32> = state.iter().map(|s| s.deg).collect();
        return Err(GraphErr::Cycle(find_cycle(n, edges, &deg)?));
    }
    drop(fifo);
    // Pass 2: the deterministic order, touching only in-degrees.
    let mut deg = csr.in_degree.clone();
    let order = kahn_ranked(n, &csr, &mut deg, priority)?;
    let levels = group_levels(state.iter().map(|s| s.level).collect())?;
    let schedule = if timed {
        Some(backward(&csr, &order, &state, dur)?)
    } else {
        None
    };
    Ok(Analysis {
        order,
        levels,
        schedule,
    })
}

/// The backward pass over the forward results kept in `state` (shared with `critical_path`).
fn backward(
    csr: &crate::csr::Csr,
    order: &[u32],
    state: &[NodeState],
    durations: &[f64],
) -> Result<Schedule, GraphErr> {
    let mut forward = Forward::new(durations)?;
    for (v, s) in state.iter().enumerate() {
        forward.earliest[v] = s.earliest;
        forward.via[v] = s.via;
    }
    forward.finish(csr, order)
}
