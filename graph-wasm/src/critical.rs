//! Critical path method: earliest and latest starts, slack, makespan and the critical path,
//! from passes over the rows a traversal kept (see `walk`).

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};
use crate::walk::{KeptRows, Walk};

/// The schedule of a DAG whose node `v` takes `durations[v]`.
pub struct Schedule {
    pub earliest: Vec<f64>,
    pub latest: Vec<f64>,
    pub slack: Vec<f64>,
    pub makespan: f64,
    /// Source to sink; ties go to the lower index.
    pub path: Vec<u32>,
}

/// Checks that every duration is finite and not negative.
pub fn check_durations(durations: &[f64], argument: u32) -> Result<(), GraphErr> {
    for (i, d) in durations.iter().enumerate() {
        if !(d.is_finite() && *d >= 0.0) {
            return Err(GraphErr::BadArgument {
                argument,
                index: i as u32,
            });
        }
    }
    Ok(())
}

/// The schedule of a DAG, or its cycle.
pub fn critical_path(n: u32, edges: &[u32], durations: &[f64]) -> Result<Schedule, GraphErr> {
    check_durations(durations, 1)?;
    let walk = Walk::first_come::<true, false>(&build(n, edges, false, false)?)?;
    walk.check_complete(edges)?;
    Ok(schedule(&walk.kept_rows()?, durations)?.1)
}

/// The levels and the schedule of the DAG whose traversal kept `rows`, given its durations.
pub fn schedule(rows: &KeptRows, durations: &[f64]) -> Result<(Vec<u32>, Schedule), GraphErr> {
    // The passes below index per-node arrays without checks: they need one duration per node.
    if durations.len() != rows.len() {
        return Err(GraphErr::BadArgument {
            argument: 1,
            index: 0,
        });
    }
    let (level, earliest) = forward(rows, durations)?;
    // The schedule ends with the node that finishes last (the lowest index among ties).
    let (mut makespan, mut end) = (0.0f64, u32::MAX);
    for (v, (&start, &duration)) in earliest.iter().zip(durations).enumerate() {
        let finish = start + duration;
        if end == u32::MAX || finish > makespan {
            makespan = finish;
            end = v as u32;
        }
    }
    let mut latest: Vec<f64> = filled(earliest.len(), 0.0)?;
    let via = backward(rows, durations, makespan, &earliest, end, &mut latest)?;
    let mut slack: Vec<f64> = with_capacity(earliest.len())?;
    slack.extend(latest.iter().zip(&earliest).map(|(l, e)| l - e));
    let mut path: Vec<u32> = with_capacity(0)?;
    let mut cur = end;
    while cur != u32::MAX {
        path.push(cur);
        cur = via[cur as usize];
    }
    path.reverse();
    let schedule = Schedule {
        earliest,
        latest,
        slack,
        makespan,
        path,
    };
    Ok((level, schedule))
}

/// The forward pass, with the levels: each node's level and earliest start (the latest finish
/// among its predecessors), without branching on the data.
fn forward(rows: &KeptRows, durations: &[f64]) -> Result<(Vec<u32>, Vec<f64>), GraphErr> {
    let mut state: Vec<Start> = filled(rows.len(), Start::NONE)?;
    // SAFETY, for the unchecked accesses below: the order and the rows hold nodes, and `state`
    // and `durations` (checked by `schedule`) have an entry per node.
    rows.each(|u, row| {
        let from = unsafe { *state.get_unchecked(u as usize) };
        let duration = unsafe { *durations.get_unchecked(u as usize) };
        // Finishes are never negative (nor -0), so their bits order as they do.
        let finish = (f64::from_bits(from.earliest) + duration).to_bits();
        let next = from.level + 1;
        for &w in row {
            let s = unsafe { state.get_unchecked_mut(w as usize) };
            s.earliest = s.earliest.max(finish);
            s.level = s.level.max(next);
        }
    });
    let mut level: Vec<u32> = with_capacity(state.len())?;
    let mut earliest: Vec<f64> = with_capacity(state.len())?;
    for s in &state {
        level.push(s.level);
        earliest.push(f64::from_bits(s.earliest));
    }
    Ok((level, earliest))
}

/// Latest starts, last node of the order first: the earliest latest start among a node's
/// successors (the makespan for a sink), less its duration.
///
/// Also the links of the critical path, which ends at `end`: a node on it follows its
/// predecessor that finishes last (ties to the lower index; `u32::MAX` for none), and that
/// predecessor finishes exactly when the node starts. The pass meets every node after all its
/// successors, so it cannot know yet whether a node lies on the path; it keeps the set of nodes
/// that may: `end`, and every node that finishes exactly when one of the set starts. For each
/// node of the set it keeps the lowest-index such predecessor, and the path follows these links
/// back from `end`. Kept in the forward pass, the links would cost a compare and two selects on
/// every edge; the set costs a bit test per edge.
fn backward(
    rows: &KeptRows,
    durations: &[f64],
    makespan: f64,
    earliest: &[f64],
    end: u32,
    latest: &mut [f64],
) -> Result<Vec<u32>, GraphErr> {
    let n = rows.len();
    let mut via: Vec<u32> = filled(n, u32::MAX)?;
    // Nodes that may be on the critical path, a bit each.
    let mut maybe: Vec<u64> = filled((n + 63) / 64, 0)?;
    if (end as usize) < n {
        maybe[end as usize / 64] |= 1 << (end % 64);
    }
    rows.each_back(|u, row| {
        let finish = earliest[u as usize] + durations[u as usize];
        let mut key = order_key(makespan);
        let mut on = 0u64;
        // SAFETY: as in `forward`.
        for &w in row {
            key = key.min(order_key(unsafe { *latest.get_unchecked(w as usize) }));
            let bit = unsafe { *maybe.get_unchecked(w as usize / 64) } >> (w % 64) & 1;
            if bit != 0 && finish == earliest[w as usize] {
                let v = &mut via[w as usize];
                *v = (*v).min(u);
                on = 1;
            }
        }
        maybe[u as usize / 64] |= on << (u % 64);
        latest[u as usize] = from_order_key(key) - durations[u as usize];
    });
    Ok(via)
}

/// An integer that orders as the float does, for every float but NaN: integer comparisons
/// compile to selects in WebAssembly where float ones may branch.
#[inline]
fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    // Negative floats order backwards as integers: flip all but their sign bit.
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The float of an `order_key` (the mapping is its own inverse).
#[inline]
fn from_order_key(key: i64) -> f64 {
    f64::from_bits(order_key(f64::from_bits(key as u64)) as u64)
}

/// What the forward pass keeps per node, in one 16-byte slot.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Start {
    /// The earliest start's bits.
    earliest: u64,
    level: u32,
}

impl Start {
    const NONE: Start = Start {
        earliest: 0,
        level: 0,
    };
}
