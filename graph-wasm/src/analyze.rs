//! The planner's one-call job: validate, order, level and schedule a DAG together.

use crate::critical::{check_durations, schedule, Schedule};
use crate::error::GraphErr;
use crate::topo::{group_levels, levels_of, Levels};
use crate::validate::checked_walk;
use crate::walk::Walk;

/// Everything a planner needs about a DAG.
pub struct Analysis {
    pub order: Vec<u32>,
    pub levels: Levels,
    pub schedule: Option<Schedule>,
}

/// Validates (as `validate`), then orders (as `topo_sort`), levels and, given durations,
/// schedules the graph. The adjacency is built once and read in one traversal (see `walk`).
pub fn analyze(
    n: u32,
    edges: &[u32],
    durations: Option<&[f64]>,
    priority: Option<&[f64]>,
) -> Result<Analysis, GraphErr> {
    if let Some(d) = durations {
        check_durations(d, 1)?;
    }
    let walk = checked_walk(n, edges, |csr| Walk::ranked::<true, true>(csr, priority))?;
    let rows = walk.kept_rows()?;
    let (level, schedule) = match durations {
        Some(d) => {
            let (level, times) = schedule(&rows, d)?;
            (level, Some(times))
        }
        None => (levels_of(&rows)?, None),
    };
    Ok(Analysis {
        order: walk.order,
        levels: group_levels(level)?,
        schedule,
    })
}
