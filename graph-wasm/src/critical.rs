//! Critical path method: earliest and latest starts, slack, makespan and the critical path.

use crate::csr::build;
use crate::error::GraphErr;
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

/// The schedule of a DAG, or its cycle.
pub fn critical_path(n: u32, edges: &[u32], durations: &[f64]) -> Result<Schedule, GraphErr> {
    check_durations(durations, 1)?;
    let walk = Walk::first_come::<true, false>(&build(n, edges, false, false)?)?;
    walk.check_complete(edges)?;
    Ok(walk.schedule(durations)?.1)
}
