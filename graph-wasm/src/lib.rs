//! Baton's graph core.
//!
//! Pure algorithms over integer node indices (`0..n`) and flat edge lists
//! (`[from0, to0, from1, to1, ...]`), plus a C ABI for WebAssembly that is free of pointers:
//! the caller stages its input in a buffer this module owns (`baton_graph_input`), calls one
//! job with counts only, and reads the result from the output buffer (`baton_graph_output`).
//! Every count and index is checked here, so no argument can make the module trap or write
//! outside its own buffers.
//!
//! Input layout of every job: the `f64` arrays first (durations, then priority), then the
//! `u32` arrays (edges, then seeds). Output layout: a header of four `u32`, then the `f64`
//! sections, then the `u32` sections. On an error the header describes it (see `GraphErr`).

pub mod analyze;
pub mod critical;
pub mod csr;
pub mod error;
pub mod fas;
mod heap;
pub mod reach;
pub mod reduce;
pub mod topo;
pub mod validate;
pub mod walk;

use error::{GraphErr, OK, OUT_OF_MEMORY};

/// The largest staged input, in bytes (512 MiB).
pub const MAX_INPUT_BYTES: usize = 512 << 20;
/// The largest node or edge count a job accepts (2^31 - 1).
pub const MAX_COUNT: u32 = i32::MAX as u32;

/// A buffer owned by the module, 8-byte aligned, that only grows until released.
struct Buffer {
    words: Vec<u64>,
    bytes: usize,
}

impl Buffer {
    /// Makes room for `bytes`; false when memory cannot be had.
    fn hold(&mut self, bytes: usize) -> bool {
        self.bytes = 0;
        let words = (bytes + 7) / 8;
        if words > self.words.len() {
            if self
                .words
                .try_reserve_exact(words - self.words.len())
                .is_err()
            {
                return false;
            }
            self.words.resize(words, 0);
        }
        self.bytes = bytes;
        true
    }
}

static mut INPUT: Buffer = Buffer {
    words: Vec::new(),
    bytes: 0,
};
static mut OUTPUT: Buffer = Buffer {
    words: Vec::new(),
    bytes: 0,
};

/// The staged input buffer.
fn input() -> &'static mut Buffer {
    // SAFETY: WebAssembly instances are single-threaded and each export takes this reference
    // once, so it is never aliased (native tests serialise their calls).
    unsafe { &mut *core::ptr::addr_of_mut!(INPUT) }
}

/// The output buffer of the last job.
fn output() -> &'static mut Buffer {
    // SAFETY: as for `input`.
    unsafe { &mut *core::ptr::addr_of_mut!(OUTPUT) }
}

/// Makes the input buffer hold at least `bytes` and returns where to write them (0 if refused).
#[no_mangle]
pub extern "C" fn baton_graph_input(bytes: u32) -> *mut u8 {
    let buffer = input();
    buffer.bytes = 0;
    if bytes as usize > MAX_INPUT_BYTES || !buffer.hold(bytes as usize) {
        return core::ptr::null_mut();
    }
    buffer.words.as_mut_ptr() as *mut u8
}

/// Where the last job's output starts.
#[no_mangle]
pub extern "C" fn baton_graph_output() -> *const u8 {
    output().words.as_ptr() as *const u8
}

/// How many bytes the last job wrote.
#[no_mangle]
pub extern "C" fn baton_graph_output_bytes() -> u32 {
    output().bytes as u32
}

/// Frees both buffers (the next job allocates them again).
#[no_mangle]
pub extern "C" fn baton_graph_release() {
    *input() = Buffer {
        words: Vec::new(),
        bytes: 0,
    };
    *output() = Buffer {
        words: Vec::new(),
        bytes: 0,
    };
}

/// Reads typed arrays, in order, out of the staged input.
struct Staged {
    offset: usize,
    buffer: &'static Buffer,
}

impl Staged {
    fn new() -> Staged {
        Staged {
            offset: 0,
            buffer: input(),
        }
    }

    fn take<T>(&mut self, count: usize) -> Result<&'static [T], GraphErr> {
        let bad = GraphErr::BadArgument {
            argument: 0,
            index: 0,
        };
        let size = core::mem::size_of::<T>();
        let bytes = count.checked_mul(size).ok_or_else(|| bad.clone())?;
        let end = self.offset.checked_add(bytes).ok_or_else(|| bad.clone())?;
        if end > self.buffer.bytes || self.offset % size != 0 {
            return Err(bad);
        }
        // SAFETY: the range lies inside the buffer (checked above), the buffer is 8-byte aligned
        // and the offset is a multiple of `T`'s size; any bit pattern is a valid u32 or f64.
        let slice = unsafe {
            let ptr = (self.buffer.words.as_ptr() as *const u8).add(self.offset) as *const T;
            core::slice::from_raw_parts(ptr, count)
        };
        self.offset = end;
        Ok(slice)
    }
}

fn counts(n: u32, m: u32) -> Result<(), GraphErr> {
    if n > MAX_COUNT || m > MAX_COUNT {
        return Err(GraphErr::BadArgument {
            argument: 0,
            index: 0,
        });
    }
    Ok(())
}

/// Writes a result (header, f64 sections, u32 sections) and returns its status.
fn emit(header: [u32; 4], floats: &[&[f64]], ints: &[&[u32]]) -> i32 {
    let float_count: usize = floats.iter().map(|s| s.len()).sum();
    let int_count: usize = ints.iter().map(|s| s.len()).sum();
    let bytes = 16 + float_count * 8 + int_count * 4;
    let buffer = output();
    if !buffer.hold(bytes) {
        return OUT_OF_MEMORY;
    }
    let base = buffer.words.as_mut_ptr() as *mut u8;
    // SAFETY: the buffer holds `bytes` bytes and the copies below fill exactly that many.
    unsafe {
        core::ptr::copy_nonoverlapping(header.as_ptr() as *const u8, base, 16);
        let mut at = 16;
        for s in floats {
            core::ptr::copy_nonoverlapping(s.as_ptr() as *const u8, base.add(at), s.len() * 8);
            at += s.len() * 8;
        }
        for s in ints {
            core::ptr::copy_nonoverlapping(s.as_ptr() as *const u8, base.add(at), s.len() * 4);
            at += s.len() * 4;
        }
    }
    OK
}

fn fail(err: GraphErr) -> i32 {
    let code = err.code();
    let status = match &err {
        GraphErr::UnknownNode { index, node } => emit([*index, *node, 0, 0], &[], &[]),
        GraphErr::SelfLoop { edge, node } => emit([*edge, *node, 0, 0], &[], &[]),
        GraphErr::DuplicateEdge { edge, first } => emit([*edge, *first, 0, 0], &[], &[]),
        GraphErr::Cycle(c) => emit([c.len() as u32, 0, 0, 0], &[], &[c]),
        GraphErr::OutOfMemory => emit([0; 4], &[], &[]),
        GraphErr::BadArgument { argument, index } => emit([*argument, *index, 0, 0], &[], &[]),
    };
    if status == OK {
        code
    } else {
        status
    }
}

fn finish<T>(result: Result<T, GraphErr>, write: impl FnOnce(T) -> i32) -> i32 {
    match result {
        Ok(value) => write(value),
        Err(err) => fail(err),
    }
}

/// Validates a graph: unknown nodes, self-loops, duplicate edges, cycles. Input: edges.
#[no_mangle]
pub extern "C" fn baton_graph_validate(n: u32, m: u32) -> i32 {
    let run = || -> Result<(), GraphErr> {
        counts(n, m)?;
        let edges = Staged::new().take::<u32>(2 * m as usize)?;
        validate::validate(n, edges)
    };
    finish(run(), |()| emit([0; 4], &[], &[]))
}

/// The staged input of jobs that take optional priorities: priority (if asked), then edges.
fn priority_and_edges(
    n: u32,
    m: u32,
    with_priority: u32,
) -> Result<(Option<&'static [f64]>, &'static [u32]), GraphErr> {
    let mut input = Staged::new();
    let priority = if with_priority != 0 {
        Some(input.take::<f64>(n as usize)?)
    } else {
        None
    };
    Ok((priority, input.take::<u32>(2 * m as usize)?))
}

/// Deterministic topological order. Input: priority (if `with_priority`), edges.
#[no_mangle]
pub extern "C" fn baton_graph_topo_sort(n: u32, m: u32, with_priority: u32) -> i32 {
    let run = || -> Result<Vec<u32>, GraphErr> {
        counts(n, m)?;
        let (priority, edges) = priority_and_edges(n, m, with_priority)?;
        topo::topo_sort(n, edges, priority)
    };
    finish(run(), |order| {
        emit([order.len() as u32, 0, 0, 0], &[], &[&order])
    })
}

/// Parallel levels. Input: edges. Output: level per node, level offsets, nodes by level.
#[no_mangle]
pub extern "C" fn baton_graph_levels(n: u32, m: u32) -> i32 {
    let run = || -> Result<topo::Levels, GraphErr> {
        counts(n, m)?;
        let edges = Staged::new().take::<u32>(2 * m as usize)?;
        topo::parallel_levels(n, edges)
    };
    finish(run(), |l| {
        let depth = (l.offsets.len() - 1) as u32;
        emit([depth, 0, 0, 0], &[], &[&l.level, &l.offsets, &l.nodes])
    })
}

/// Critical path method. Input: durations, edges.
/// Output: earliest, latest, slack, makespan (f64); the path (u32).
#[no_mangle]
pub extern "C" fn baton_graph_critical_path(n: u32, m: u32) -> i32 {
    let run = || -> Result<critical::Schedule, GraphErr> {
        counts(n, m)?;
        let mut input = Staged::new();
        let durations = input.take::<f64>(n as usize)?;
        let edges = input.take::<u32>(2 * m as usize)?;
        critical::critical_path(n, edges, durations)
    };
    finish(run(), write_schedule)
}

fn write_schedule(s: critical::Schedule) -> i32 {
    emit(
        [s.path.len() as u32, 0, 0, 0],
        &[&s.earliest, &s.latest, &s.slack, &[s.makespan]],
        &[&s.path],
    )
}

/// Redundant edges of a DAG. Input: edges. Output: edge indices.
#[no_mangle]
pub extern "C" fn baton_graph_transitive_reduction(n: u32, m: u32) -> i32 {
    let run = || -> Result<Vec<u32>, GraphErr> {
        counts(n, m)?;
        let edges = Staged::new().take::<u32>(2 * m as usize)?;
        reduce::transitive_reduction(n, edges)
    };
    finish(run(), |r| emit([r.len() as u32, 0, 0, 0], &[], &[&r]))
}

fn reach_job(n: u32, m: u32, k: u32, forward: bool, inclusive: u32) -> i32 {
    let run = || -> Result<Vec<u32>, GraphErr> {
        counts(n, m)?;
        counts(k, 0)?;
        let mut input = Staged::new();
        let edges = input.take::<u32>(2 * m as usize)?;
        let seeds = input.take::<u32>(k as usize)?;
        reach::reach(n, edges, seeds, forward, inclusive != 0)
    };
    finish(run(), |r| emit([r.len() as u32, 0, 0, 0], &[], &[&r]))
}

/// Nodes reachable from the seeds. Input: edges, seeds. Output: node indices.
#[no_mangle]
pub extern "C" fn baton_graph_descendants(n: u32, m: u32, k: u32, inclusive: u32) -> i32 {
    reach_job(n, m, k, true, inclusive)
}

/// Nodes the seeds are reachable from. Input: edges, seeds. Output: node indices.
#[no_mangle]
pub extern "C" fn baton_graph_ancestors(n: u32, m: u32, k: u32, inclusive: u32) -> i32 {
    reach_job(n, m, k, false, inclusive)
}

/// A feedback arc set. Input: priority (if `with_priority`), edges. Output: edge indices.
#[no_mangle]
pub extern "C" fn baton_graph_break_cycles(n: u32, m: u32, with_priority: u32) -> i32 {
    let run = || -> Result<Vec<u32>, GraphErr> {
        counts(n, m)?;
        let (priority, edges) = priority_and_edges(n, m, with_priority)?;
        fas::break_cycles(n, edges, priority)
    };
    finish(run(), |r| emit([r.len() as u32, 0, 0, 0], &[], &[&r]))
}

/// Validate, order, level and (bit 0 of `flags`) schedule in one job.
/// Input: durations (bit 0), priority (bit 1), edges.
/// Output header: depth, path length, whether a schedule follows.
/// Output: [earliest, latest, slack, makespan] (f64); order, level, offsets, nodes, path (u32).
#[no_mangle]
pub extern "C" fn baton_graph_analyze(n: u32, m: u32, flags: u32) -> i32 {
    let run = || -> Result<analyze::Analysis, GraphErr> {
        counts(n, m)?;
        if flags > 3 {
            return Err(GraphErr::BadArgument {
                argument: 0,
                index: 0,
            });
        }
        let mut input = Staged::new();
        let durations = if flags & 1 != 0 {
            Some(input.take::<f64>(n as usize)?)
        } else {
            None
        };
        let priority = if flags & 2 != 0 {
            Some(input.take::<f64>(n as usize)?)
        } else {
            None
        };
        let edges = input.take::<u32>(2 * m as usize)?;
        analyze::analyze(n, edges, durations, priority)
    };
    finish(run(), |a| {
        let depth = (a.levels.offsets.len() - 1) as u32;
        let l = &a.levels;
        match &a.schedule {
            Some(s) => emit(
                [depth, s.path.len() as u32, 1, 0],
                &[&s.earliest, &s.latest, &s.slack, &[s.makespan]],
                &[&a.order, &l.level, &l.offsets, &l.nodes, &s.path],
            ),
            None => emit(
                [depth, 0, 0, 0],
                &[],
                &[&a.order, &l.level, &l.offsets, &l.nodes],
            ),
        }
    })
}
