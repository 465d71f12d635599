//! Critical path method: earliest and latest starts, slack, makespan and the critical path.

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};
use crate::walk::Walk;

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

/// The forward pass's results: each node's earliest start and the predecessor it comes from
/// (the one that finishes last, ties to the lower index).
pub struct Forward<'a> {
    pub durations: &'a [f64],
    pub earliest: Vec<f64>,
    pub via: Vec<u32>,
}

impl<'a> Forward<'a> {
    pub fn new(durations: &'a [f64]) -> Result<Self, GraphErr> {
        Ok(Forward {
            durations,
            earliest: filled(durations.len(), 0.0)?,
            via: filled(durations.len(), u32::MAX)?,
        })
    }

    /// The schedule, with `backward(makespan, latest)` filling in every node's latest start.
    pub fn finish_with(self, backward: impl FnOnce(f64, &mut [f64])) -> Result<Schedule, GraphErr> {
        let len = self.durations.len();
        let (earliest, durations) = (self.earliest, self.durations);
        let mut makespan = 0.0f64;
        let mut end = u32::MAX;
        for v in 0..len {
            let finish = earliest[v] + durations[v];
            if end == u32::MAX || finish > makespan {
                makespan = finish;
                end = v as u32;
            }
        }
        let mut latest: Vec<f64> = filled(len, 0.0)?;
        backward(makespan, &mut latest);
        let mut slack: Vec<f64> = filled(len, 0.0)?;
        for v in 0..len {
            slack[v] = latest[v] - earliest[v];
        }
        let mut path: Vec<u32> = with_capacity(0)?;
        let mut cur = end;
        while cur != u32::MAX {
            path.push(cur);
            cur = self.via[cur as usize];
        }
        path.reverse();
        Ok(Schedule {
            earliest,
            latest,
            slack,
            makespan,
            path,
        })
    }
}

/// The schedule of a DAG, or its cycle.
pub fn critical_path(n: u32, edges: &[u32], durations: &[f64]) -> Result<Schedule, GraphErr> {
    check_durations(durations, 1)?;
    let walk = Walk::any(&build(n, edges, false, false)?)?;
    walk.check_complete(edges)?;
    Ok(walk.schedule(durations)?.1)
}
