//! A Kahn traversal, and the rows it read, kept for the passes over them.
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
//! 2. Passes over the copied rows (`KeptRows`) make the levels (in `topo`) and the schedule
//!    (in `critical`): a forward pass, and a backward one for the latest starts.

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
    /// is repeated (never, for a walk made without `REPEATS`). Only the rows that met their own
    /// mark are looked at: a short one is compared with itself, and a long one marks its nodes in
    /// a table made on first use, each with its own node, so that marks left by earlier rows
    /// never match.
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

    /// The rows the walk kept, in traversal order; refused unless the walk reached every node
    /// and kept its rows (a walk made with `ROWS` over a DAG).
    pub fn kept_rows(&self) -> Result<KeptRows<'_>, GraphErr> {
        if self.order.len() != self.n || self.ends.len() != self.order.len() {
            return Err(GraphErr::BadArgument {
                argument: 0,
                index: 0,
            });
        }
        Ok(KeptRows {
            order: &self.order,
            rows: &self.rows,
            ends: &self.ends,
        })
    }
}

/// The rows of a complete walk, in the order it read them, for the passes over them (levels in
/// `topo`, the schedule in `critical`). Every node appears once in the order, and every row
/// entry is a node, so per-node arrays of `len()` entries can be indexed by either.
pub struct KeptRows<'a> {
    order: &'a [u32],
    rows: &'a [u32],
    /// The row of `order[i]` ends at `ends[i]`; the last end is `rows.len()`.
    ends: &'a [u32],
}

impl KeptRows<'_> {
    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Visits `(u, row of u)` for every node in traversal order.
    #[inline]
    pub fn each(&self, mut visit: impl FnMut(u32, &[u32])) {
        let mut start = 0;
        for (&u, &end) in self.order.iter().zip(self.ends) {
            let end = end as usize;
            // SAFETY: `ends` grows from 0 to `rows.len()` (written by `Walk::run_with`).
            visit(u, unsafe { self.rows.get_unchecked(start..end) });
            start = end;
        }
    }

    /// Visits `(u, row of u)` for every node, last of the traversal first.
    #[inline]
    pub fn each_back(&self, mut visit: impl FnMut(u32, &[u32])) {
        let mut stop = self.rows.len();
        for (i, &u) in self.order.iter().enumerate().rev() {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            // SAFETY: as in `each`.
            visit(u, unsafe { self.rows.get_unchecked(start..stop) });
            stop = start;
        }
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
