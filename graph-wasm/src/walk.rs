//! A Kahn traversal, and the passes over the rows it read.
//!
//! The traversal is bound by memory latency, so the work is split into passes that each touch
//! as little per node as they can. The loops are also kept short: WebAssembly engines may check
//! every memory access against the memory size (Deno does), and the fewer instructions an
//! iteration takes, the more cache misses the processor has in flight at once.
//! 1. The traversal makes the order (deterministic, or first-come where the order does not
//!    matter). Per node it keeps 2 bytes when the in-degrees are small, else 4 (so that the
//!    array it updates at random stays in a core's own cache, which the neighbours on a shared
//!    machine cannot take): the unmet in-degree in the low bits, and in the bits the largest
//!    in-degree leaves free, a mark of the last row that held the node. A repeated edge is a node
//!    held twice in one row, so it meets its own row's mark. The traversal copies each row in the
//!    order nodes leave, so that the later passes read the rows sequentially.
//! 2. A forward pass over the copied rows makes the levels and, given durations, the earliest
//!    starts, without branching on the data.
//! 3. A backward pass over the copied rows makes the latest starts, and the predecessor each
//!    start on the critical path comes from.

use crate::critical::Schedule;
use crate::csr::Csr;
use crate::error::{filled, with_capacity, GraphErr};
use crate::heap::{Fifo, LargeTree, RankedReady, Ready, SmallTree};
use crate::topo::find_cycle;

/// A Kahn traversal and the rows it read, in the order it read them.
pub struct Walk {
    pub order: Vec<u32>,
    /// The out-rows of `order[0]`, `order[1]`, ...: the row of `order[i]` ends at `ends[i]`.
    rows: Vec<u32>,
    ends: Vec<u32>,
    /// The number of nodes.
    n: usize,
    /// When the traversal could not reach every node, the in-degree each node had left.
    left: Vec<u32>,
    /// The positions in `order` of the rows that met their own mark, and so may hold a node
    /// twice (see `repeats_an_edge`).
    clashed: Vec<u32>,
}

impl Walk {
    /// The deterministic traversal: among ready nodes the higher priority leaves first, then
    /// the lower index. With `ROWS` it keeps the rows (for levels and schedules); with
    /// `REPEATS` it notes the rows that may repeat an edge (for `repeats_an_edge`).
    pub fn ranked<const ROWS: bool, const REPEATS: bool>(
        csr: &Csr,
        priority: Option<&[f64]>,
    ) -> Result<Walk, GraphErr> {
        let n = csr.in_degree.len() as u32;
        // The smaller tree has one level less to walk (and one bitmap less to keep track of).
        if u64::from(n) <= SmallTree::KEYS {
            let ready = RankedReady::<SmallTree>::new(n, priority)?;
            Walk::run::<_, ROWS, REPEATS>(csr, ready)
        } else {
            let ready = RankedReady::<LargeTree>::new(n, priority)?;
            Walk::run::<_, ROWS, REPEATS>(csr, ready)
        }
    }

    /// A traversal in first-come order, for jobs whose results do not depend on the order;
    /// `ROWS` and `REPEATS` as for `ranked`.
    pub fn first_come<const ROWS: bool, const REPEATS: bool>(csr: &Csr) -> Result<Walk, GraphErr> {
        Walk::run::<_, ROWS, REPEATS>(csr, Fifo::new(csr.in_degree.len() as u32)?)
    }

    /// Picks the width of the traversal's entries: 2 bytes when the largest in-degree leaves
    /// them at least 8 bits for row marks (or fits them, without marks), else 4.
    fn run<R: Ready, const ROWS: bool, const REPEATS: bool>(
        csr: &Csr,
        ready: R,
    ) -> Result<Walk, GraphErr> {
        let largest = csr.in_degree.iter().copied().max().unwrap_or(0);
        let narrow = if REPEATS {
            largest < 1 << 8
        } else {
            largest <= 0xffff
        };
        if narrow {
            Walk::run_with::<u16, R, ROWS, REPEATS>(csr, ready, largest)
        } else {
            Walk::run_with::<u32, R, ROWS, REPEATS>(csr, ready, largest)
        }
    }

    fn run_with<E: Entry, R: Ready, const ROWS: bool, const REPEATS: bool>(
        csr: &Csr,
        mut ready: R,
        largest: u32,
    ) -> Result<Walk, GraphErr> {
        let n = csr.in_degree.len();
        let mut unmet: Vec<E> = with_capacity(n)?;
        for (v, &deg) in csr.in_degree.iter().enumerate() {
            if deg == 0 {
                ready.push(v as u32);
            }
            unmet.push(E::from_bits(deg));
        }
        // The row at place `i` of the order marks its nodes with `i + 1` in the bits above the
        // largest in-degree. Marks recur every 2^(E::BITS - bits) rows (2^27 rows for 4-byte
        // entries and in-degrees below 32, 2^11 for 2-byte ones): a row that meets a mark an
        // earlier row left is checked needlessly, as is the rare row whose mark wraps to 0, the
        // mark entries start with. With no bits left, every mark is 0 and every row is checked.
        // A walk that does not look for repeats keeps no marks: all bits hold the in-degree.
        let bits = if REPEATS {
            32 - largest.leading_zeros()
        } else {
            E::BITS
        };
        let degree = ((1u64 << bits) - 1) as u32;
        let all = ((1u64 << E::BITS) - 1) as u32;
        // The outputs are written in order and not read before, so they are not zeroed first
        // (6.4 MB for a million edges): the traversal writes into their spare capacity and
        // sets their lengths to what it wrote.
        let room = |wanted: bool, len: usize| with_capacity::<u32>(if wanted { len } else { 0 });
        let mut order = room(true, n)?;
        let (mut rows, mut ends) = (room(ROWS, csr.targets.len())?, room(ROWS, n)?);
        let mut clashed = room(REPEATS, n)?;
        let (order_out, rows_out) = (order.spare_capacity_mut(), rows.spare_capacity_mut());
        let (ends_out, clashed_out) = (ends.spare_capacity_mut(), clashed.spare_capacity_mut());
        let (mut popped, mut copied, mut clashes) = (0usize, 0usize, 0usize);
        // SAFETY, for the unchecked accesses below: the ready set holds nodes of the graph, and
        // each node enters it once (when its unmet in-degree reaches zero, or at the start), so
        // at most `n` nodes leave and their rows hold `m` entries in all; row entries are
        // nodes; `freed` has a bit per entry of a chunk of at most 64; `clashes` counts rows
        // that left.
        while let Some(u) = ready.pop() {
            unsafe { order_out.get_unchecked_mut(popped).write(u) };
            let row = unsafe { csr.row_unchecked(u) };
            let mark = ((popped as u64 + 1) << bits) as u32 & all;
            let mut clash = false;
            for chunk in row.chunks(64) {
                // Bit `k` set: the chunk's `k`th node met its last edge. Such nodes join the
                // ready set after the chunk, read back from the row, so that the loop over
                // the row keeps one word for them and does not branch.
                let mut freed = 0u64;
                for (k, &w) in chunk.iter().enumerate() {
                    let entry = unsafe { unmet.get_unchecked_mut(w as usize) };
                    let s = entry.bits();
                    clash |= REPEATS && (s ^ mark) <= degree;
                    let left = (s & degree).wrapping_sub(1);
                    *entry = E::from_bits(mark | left);
                    if ROWS {
                        unsafe { rows_out.get_unchecked_mut(copied + k).write(w) };
                    }
                    freed |= u64::from(left == 0) << k;
                }
                copied += chunk.len();
                while freed != 0 {
                    let w = unsafe { *chunk.get_unchecked(freed.trailing_zeros() as usize) };
                    freed &= freed - 1;
                    release(&mut ready, csr, w);
                }
            }
            unsafe {
                if ROWS {
                    ends_out.get_unchecked_mut(popped).write(copied as u32);
                }
                if REPEATS {
                    // Noted without a branch.
                    clashed_out.get_unchecked_mut(clashes).write(popped as u32);
                }
            }
            clashes += usize::from(clash);
            popped += 1;
        }
        // SAFETY: the loop wrote the first `popped` places of the order and (when kept) of
        // `ends`, the first `copied` of `rows` and the first `clashes` of `clashed`.
        unsafe {
            order.set_len(popped);
            if ROWS {
                rows.set_len(copied);
                ends.set_len(popped);
            }
            if REPEATS {
                clashed.set_len(clashes);
            }
        }
        let left = if popped < n {
            unmet.iter().map(|s| s.bits() & degree).collect()
        } else {
            Vec::new()
        };
        Ok(Walk {
            order,
            rows,
            ends,
            n,
            left,
            clashed,
        })
    }

    /// Whether a row the traversal read in `csr` holds a node twice, that is, whether an edge
    /// is repeated (never, for a walk made without `REPEATS`). Only the rows that met their own mark are looked at: a short one is
    /// compared with itself, and a long one marks its nodes in a table made on first use, each
    /// with its own node, so that marks left by earlier rows never match.
    pub fn repeats_an_edge(&self, csr: &Csr) -> Result<bool, GraphErr> {
        let mut seen: Vec<u32> = Vec::new();
        for &i in &self.clashed {
            let u = self.order[i as usize];
            let row = csr.row(u);
            if row.len() <= 32 {
                if (1..row.len()).any(|k| row[..k].contains(&row[k])) {
                    return Ok(true);
                }
                continue;
            }
            if seen.is_empty() {
                seen = filled(self.n, u32::MAX)?;
            }
            for &w in row {
                if core::mem::replace(&mut seen[w as usize], u) == u {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Fails with the graph's cycle when the traversal could not reach every node.
    pub fn check_complete(&self, edges: &[u32]) -> Result<(), GraphErr> {
        if self.order.len() == self.n {
            return Ok(());
        }
        Err(GraphErr::Cycle(find_cycle(
            self.n as u32,
            edges,
            &self.left,
        )?))
    }

    /// The schedule, given the durations the walk's graph was made with.
    pub fn schedule(&self, durations: &[f64]) -> Result<(Vec<u32>, Schedule), GraphErr> {
        // The passes below index per-node arrays without checks: they need one duration per
        // node, every node in the order, and the rows.
        if durations.len() != self.n || !self.complete_with_rows() {
            return Err(GraphErr::BadArgument {
                argument: 1,
                index: 0,
            });
        }
        let (level, earliest) = self.forward(durations)?;
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
        let via = self.backward(durations, makespan, &earliest, end, &mut latest)?;
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

    /// Visits `(u, row of u)` for every node in traversal order.
    #[inline]
    fn each_row(&self, mut visit: impl FnMut(u32, &[u32])) {
        let mut start = 0;
        for (&u, &end) in self.order.iter().zip(&self.ends) {
            let end = end as usize;
            // SAFETY: `ends` grows from 0 to at most `rows.len()` (written by `run`).
            visit(u, unsafe { self.rows.get_unchecked(start..end) });
            start = end;
        }
    }

    /// Whether the order holds every node and the walk kept their rows.
    fn complete_with_rows(&self) -> bool {
        self.order.len() == self.n && self.ends.len() == self.order.len()
    }

    /// The level of every node: one more than its highest predecessor's.
    pub fn levels(&self) -> Result<Vec<u32>, GraphErr> {
        if !self.complete_with_rows() {
            return Err(GraphErr::BadArgument {
                argument: 0,
                index: 0,
            });
        }
        let mut level: Vec<u32> = filled(self.order.len(), 0)?;
        self.each_row(|u, row| {
            let next = level[u as usize] + 1;
            for &w in row {
                let l = &mut level[w as usize];
                *l = (*l).max(next);
            }
        });
        Ok(level)
    }

    /// The forward pass of the critical path method, with the levels: each node's level and
    /// earliest start (the latest finish among its predecessors).
    fn forward(&self, durations: &[f64]) -> Result<(Vec<u32>, Vec<f64>), GraphErr> {
        let mut state: Vec<Start> = filled(self.order.len(), Start::NONE)?;
        // SAFETY, for the unchecked accesses below: the order and the rows hold nodes, and
        // `state` and `durations` (checked by `schedule`) have an entry per node.
        self.each_row(|u, row| {
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
    /// predecessor finishes exactly when the node starts. The pass meets every node after all
    /// its successors, so it cannot know yet whether a node lies on the path; it keeps the set
    /// of nodes that may: `end`, and every node that finishes exactly when one of the set
    /// starts. For each node of the set it keeps the lowest-index such predecessor, and the
    /// path follows these links back from `end`. Kept in the forward pass, the links would cost
    /// a compare and two selects on every edge; the set costs a bit test per edge.
    fn backward(
        &self,
        durations: &[f64],
        makespan: f64,
        earliest: &[f64],
        end: u32,
        latest: &mut [f64],
    ) -> Result<Vec<u32>, GraphErr> {
        let n = self.order.len();
        let mut via: Vec<u32> = filled(n, u32::MAX)?;
        // Nodes that may be on the critical path, a bit each.
        let mut maybe: Vec<u64> = filled((n + 63) / 64, 0)?;
        if (end as usize) < n {
            maybe[end as usize / 64] |= 1 << (end % 64);
        }
        let mut stop = self.rows.len();
        for i in (0..n).rev() {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            let u = self.order[i];
            let finish = earliest[u as usize] + durations[u as usize];
            let mut key = order_key(makespan);
            let mut on = 0u64;
            // SAFETY: as in `forward`; the row bounds come from `ends`, as in `each_row`.
            for &w in unsafe { self.rows.get_unchecked(start..stop) } {
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
            stop = start;
        }
        Ok(via)
    }
}

/// Adds a freed node to the ready set and starts loading the first entry of its row, which is
/// needed when the node leaves. WebAssembly has no prefetch instruction; an unused load lets the
/// cache miss overlap the traversal's other work.
#[inline(always)]
fn release<R: Ready>(ready: &mut R, csr: &Csr, w: u32) {
    ready.push(w);
    // SAFETY: freed nodes are row entries, so nodes of the graph.
    if let Some(first) = unsafe { csr.row_unchecked(w) }.first() {
        // SAFETY: a valid, aligned reference; volatile keeps the unused load.
        unsafe {
            core::ptr::read_volatile(first);
        }
    }
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

/// A traversal entry: a node's unmet in-degree and row mark, in 2 or 4 bytes.
trait Entry: Copy {
    const BITS: u32;
    /// The entry holding the low `BITS` bits of `bits`.
    fn from_bits(bits: u32) -> Self;
    fn bits(self) -> u32;
}

impl Entry for u16 {
    const BITS: u32 = 16;
    #[inline(always)]
    fn from_bits(bits: u32) -> Self {
        bits as u16
    }
    #[inline(always)]
    fn bits(self) -> u32 {
        u32::from(self)
    }
}

impl Entry for u32 {
    const BITS: u32 = 32;
    #[inline(always)]
    fn from_bits(bits: u32) -> Self {
        bits
    }
    #[inline(always)]
    fn bits(self) -> u32 {
        self
    }
}
