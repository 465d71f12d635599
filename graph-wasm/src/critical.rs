//! Critical path method: earliest and latest starts, slack, makespan and the critical path.

use crate::csr::build;
use crate::error::{filled, with_capacity, GraphErr};
use crate::topo::{complete, kahn_fifo};

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

/// The forward pass, run edge by edge inside a topological traversal: when `u` leaves the
/// ready set its earliest start is final, and it relaxes `w`. Ties go to the lower index.
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

    #[inline]
    pub fn relax(&mut self, u: u32, w: u32) {
        let finish = self.earliest[u as usize] + self.durations[u as usize];
        let w = w as usize;
        let current = self.via[w];
        if current == u32::MAX
            || finish > self.earliest[w]
            || (finish == self.earliest[w] && u < current)
        {
            self.earliest[w] = finish;
            self.via[w] = u;
        }
    }

    /// The backward pass over a complete topological `order` and the critical path.
    pub fn finish(self, csr: &crate::csr::Csr, order: &[u32]) -> Result<Schedule, GraphErr> {
        let durations = self.durations;
        self.finish_with(|makespan, latest| {
            for &u in order.iter().rev() {
                let mut bound = makespan;
                for &w in csr.row(u) {
                    if latest[w as usize] < bound {
                        bound = latest[w as usize];
                    }
                }
                latest[u as usize] = bound - durations[u as usize];
            }
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
    let csr = build(n, edges, false, false)?;
    let mut deg = csr.in_degree.clone();
    let mut forward = Forward::new(durations)?;
    let order = kahn_fifo(n, &csr, &mut deg, |u, w| forward.relax(u, w))?;
    let order = complete(n, edges, order, &deg)?;
    forward.finish(&csr, &order)
}
