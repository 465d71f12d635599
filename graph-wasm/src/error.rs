//! The one error type every algorithm returns.

/// Why a graph job could not produce its result.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphErr {
    /// `edges[edge]` (the flat array index) names a node that does not exist.
    UnknownNode { index: u32, node: u32 },
    /// Edge number `edge` goes from a node to itself.
    SelfLoop { edge: u32, node: u32 },
    /// Edge number `edge` repeats edge number `first`.
    DuplicateEdge { edge: u32, first: u32 },
    /// The graph has a cycle; the nodes in path order (the last points back to the first).
    Cycle(Vec<u32>),
    /// Memory for the job could not be had.
    OutOfMemory,
    /// An argument is malformed: argument number `argument`, element `index`.
    BadArgument { argument: u32, index: u32 },
}

/// Status codes shared with the TypeScript loader (`graph-wasm/_status.ts`).
pub const OK: i32 = 0;
pub const UNKNOWN_NODE: i32 = 1;
pub const SELF_LOOP: i32 = 2;
pub const DUPLICATE_EDGE: i32 = 3;
pub const CYCLE: i32 = 4;
pub const OUT_OF_MEMORY: i32 = 5;
pub const BAD_ARGUMENT: i32 = 6;

impl GraphErr {
    /// The status code of this error.
    pub fn code(&self) -> i32 {
        match self {
            GraphErr::UnknownNode { .. } => UNKNOWN_NODE,
            GraphErr::SelfLoop { .. } => SELF_LOOP,
            GraphErr::DuplicateEdge { .. } => DUPLICATE_EDGE,
            GraphErr::Cycle(_) => CYCLE,
            GraphErr::OutOfMemory => OUT_OF_MEMORY,
            GraphErr::BadArgument { .. } => BAD_ARGUMENT,
        }
    }
}

/// A vector of `len` copies of `value`, or `OutOfMemory` instead of an abort.
pub fn filled<T: Copy>(len: usize, value: T) -> Result<Vec<T>, GraphErr> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| GraphErr::OutOfMemory)?;
    v.resize(len, value);
    Ok(v)
}

/// An empty vector able to hold `cap` items without reallocating, or `OutOfMemory`.
pub fn with_capacity<T>(cap: usize) -> Result<Vec<T>, GraphErr> {
    let mut v = Vec::new();
    v.try_reserve_exact(cap)
        .map_err(|_| GraphErr::OutOfMemory)?;
    Ok(v)
}
