//! The ready set of a deterministic topological sort: a 64-ary bitmap over node ranks, so
//! insert costs one word per level (three levels for 200,000 nodes), and a cursor on the lowest
//! non-empty bottom word, so take-smallest reads one word, and one more to move the cursor when
//! that word empties.

use crate::error::{filled, with_capacity, GraphErr};

pub struct ReadySet {
    /// `levels[0]` has a bit per rank; each further level a bit per non-empty word below.
    levels: Vec<Vec<u64>>,
    /// The lowest non-empty word of `levels[0]`, or `EMPTY`.
    low: usize,
}

/// `ReadySet::low` of an empty set.
const EMPTY: usize = usize::MAX;

impl ReadySet {
    /// A set for the keys `0..n`.
    pub fn new(n: usize) -> Result<Self, GraphErr> {
        let mut levels = with_capacity(8)?;
        let mut size = n.max(1);
        loop {
            let words = (size + 63) / 64;
            levels.push(filled(words, 0u64)?);
            if words == 1 {
                break;
            }
            size = words;
        }
        Ok(ReadySet { levels, low: EMPTY })
    }

    /// Adds `key`, which must be below the `n` the set was made for.
    #[inline(always)]
    pub fn insert(&mut self, key: u32) {
        let mut k = key as usize;
        self.low = self.low.min(k / 64);
        for level in self.levels.iter_mut() {
            // SAFETY: `key < n`, and each level has a bit for every word of the level below.
            let word = unsafe { level.get_unchecked_mut(k / 64) };
            let was_empty = *word == 0;
            *word |= 1 << (k % 64);
            if !was_empty {
                break;
            }
            k /= 64;
        }
    }

    /// The lowest non-empty bottom word above `after`, when none lies at or below it (`EMPTY`
    /// if none is left): up the levels to the first word with a bit above the path, then down.
    #[inline(always)]
    fn next_word(&self, after: usize) -> usize {
        let mut j = after;
        for (depth, level) in self.levels.iter().enumerate().skip(1) {
            // SAFETY: `j` indexes the level below, so `j / 64` indexes this one.
            let word = unsafe { *level.get_unchecked(j / 64) } & (!1u64 << (j % 64));
            if word != 0 {
                let mut k = j / 64 * 64 + word.trailing_zeros() as usize;
                for lower in self.levels[1..depth].iter().rev() {
                    // SAFETY: a set bit at `k` means word `k` of the level below is non-empty.
                    k = k * 64 + unsafe { lower.get_unchecked(k) }.trailing_zeros() as usize;
                }
                return k;
            }
            j /= 64;
        }
        EMPTY
    }

    /// Removes and returns the smallest key.
    #[inline(always)]
    pub fn pop_min(&mut self) -> Option<u32> {
        let low = self.low;
        if low == EMPTY {
            return None;
        }
        // SAFETY: `low` is the index of a non-empty bottom word.
        let word = unsafe { self.levels.get_unchecked_mut(0).get_unchecked_mut(low) };
        let key = low * 64 + word.trailing_zeros() as usize;
        *word &= *word - 1;
        if *word == 0 {
            let mut j = low;
            for level in self.levels[1..].iter_mut() {
                // SAFETY: as in `insert`.
                let word = unsafe { level.get_unchecked_mut(j / 64) };
                *word &= !(1 << (j % 64));
                if *word != 0 {
                    break;
                }
                j /= 64;
            }
            self.low = self.next_word(low);
        }
        Some(key as u32)
    }
}

/// The ready nodes of a deterministic Kahn traversal: the node of the smallest rank leaves first.
/// Without priorities a node's rank is its index and no lookup is made.
pub struct RankedReady {
    set: ReadySet,
    rank: Vec<u32>,
    by_rank: Vec<u32>,
}

/// The nodes a Kahn traversal may take next. The traversal calls these once per node, so the
/// implementations are always inlined (left out of line they cost about 5% of a traversal).
pub trait Ready {
    fn push(&mut self, v: u32);
    fn pop(&mut self) -> Option<u32>;
}

/// Ready nodes taken first come, first served: the cheapest order, for jobs whose result does
/// not depend on it.
pub struct Fifo {
    queue: Vec<u32>,
    head: usize,
}

impl Fifo {
    pub fn new(n: u32) -> Result<Self, GraphErr> {
        Ok(Fifo {
            queue: with_capacity(n as usize)?,
            head: 0,
        })
    }
}

impl Ready for Fifo {
    #[inline(always)]
    fn push(&mut self, v: u32) {
        self.queue.push(v);
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<u32> {
        let v = *self.queue.get(self.head)?;
        self.head += 1;
        Some(v)
    }
}

impl RankedReady {
    pub fn new(n: u32, priority: Option<&[f64]>) -> Result<Self, GraphErr> {
        let (rank, by_rank) = match priority {
            Some(_) => ranks(n, priority)?,
            None => (Vec::new(), Vec::new()),
        };
        Ok(RankedReady {
            set: ReadySet::new(n as usize)?,
            rank,
            by_rank,
        })
    }

    #[inline]
    fn node_at(&self, key: u32) -> u32 {
        if self.by_rank.is_empty() {
            key
        } else {
            self.by_rank[key as usize]
        }
    }
}

impl Ready for RankedReady {
    #[inline(always)]
    fn push(&mut self, v: u32) {
        let key = if self.rank.is_empty() {
            v
        } else {
            self.rank[v as usize]
        };
        self.set.insert(key);
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<u32> {
        let key = self.set.pop_min()?;
        Some(self.node_at(key))
    }
}

/// Rank of every node: higher priority first, then lower index (identity without priority).
pub fn ranks(n: u32, priority: Option<&[f64]>) -> Result<(Vec<u32>, Vec<u32>), GraphErr> {
    let mut by_rank: Vec<u32> = with_capacity(n as usize)?;
    by_rank.extend(0..n);
    if let Some(p) = priority {
        by_rank.sort_by(|&a, &b| p[b as usize].total_cmp(&p[a as usize]).then(a.cmp(&b)));
    }
    let mut rank: Vec<u32> = filled(n as usize, 0)?;
    for (r, &v) in by_rank.iter().enumerate() {
        rank[v as usize] = r as u32;
    }
    Ok((rank, by_rank))
}
