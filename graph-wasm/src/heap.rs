//! The ready set of a deterministic topological sort: a 64-ary tree of bitmaps over node ranks
//! (`BitTree`), so that insert sets one bit per level (three levels for 200,000 nodes) and
//! take-smallest reads one word, plus the path down the tree when that word empties.

use crate::error::{filled, with_capacity, GraphErr};

/// A set of keys below `64^(LOWER + 1)`: a 64-ary tree of bitmaps whose top is one word. A
/// bit is set in every level for every key in the set (each level a bit per word of the level
/// below), so insert sets one bit per level without looking, and take-smallest reads one word,
/// plus the path down from the top when that word empties.
pub struct BitTree<const LOWER: usize> {
    /// `lower[0]` has a bit per key, `lower[l]` a bit per word of `lower[l - 1]`.
    lower: [Vec<u64>; LOWER],
    /// A bit per word of the highest lower level.
    top: u64,
    /// The lowest non-empty word of `lower[0]`, or `EMPTY`; every word below it is empty.
    low: usize,
}

/// `BitTree::low` of an empty set.
const EMPTY: usize = usize::MAX;

impl<const LOWER: usize> BitTree<LOWER> {
    /// The most keys a tree holds.
    pub const KEYS: u64 = 1 << (6 * (LOWER + 1));

    /// Clears the bits of an emptied bottom word up the levels, and moves `low` to the lowest
    /// non-empty bottom word (nothing lies below the emptied one).
    #[inline(always)]
    fn emptied(&mut self, low: usize) {
        let mut j = low;
        let mut cleared = true;
        for level in self.lower[1..].iter_mut() {
            // SAFETY: as in `insert`.
            let word = unsafe { level.get_unchecked_mut(j / 64) };
            *word &= !(1 << (j % 64));
            cleared = *word == 0;
            if !cleared {
                break;
            }
            j /= 64;
        }
        if cleared {
            self.top &= !(1 << (j % 64));
        }
        if self.top == 0 {
            self.low = EMPTY;
            return;
        }
        let mut k = self.top.trailing_zeros() as usize;
        for level in self.lower[1..].iter().rev() {
            // SAFETY: a set bit at `k` means word `k` of the level below is non-empty.
            k = k * 64 + unsafe { level.get_unchecked(k) }.trailing_zeros() as usize;
        }
        self.low = k;
    }
}

/// The set of ranks behind a ranked ready set (a `BitTree` of either size).
pub trait KeySet: Sized {
    /// A set for the keys `0..n`.
    fn new(n: usize) -> Result<Self, GraphErr>;
    /// Adds `key`, which must be below `n`.
    fn insert(&mut self, key: u32);
    /// Removes and returns the smallest key.
    fn pop_min(&mut self) -> Option<u32>;
}

impl<const LOWER: usize> KeySet for BitTree<LOWER> {
    /// A set for the keys `0..n`; refused when `n` is over `KEYS`.
    fn new(n: usize) -> Result<Self, GraphErr> {
        if n as u64 > Self::KEYS {
            return Err(GraphErr::BadArgument {
                argument: 0,
                index: 0,
            });
        }
        let mut size = n.max(1);
        let mut lower: [Vec<u64>; LOWER] = [(); LOWER].map(|_| Vec::new());
        for level in lower.iter_mut() {
            size = (size + 63) / 64;
            *level = filled(size, 0u64)?;
        }
        Ok(BitTree {
            lower,
            top: 0,
            low: EMPTY,
        })
    }

    /// Adds `key`, which must be below the `n` the set was made for.
    #[inline(always)]
    fn insert(&mut self, key: u32) {
        let k = key as usize;
        self.low = self.low.min(k / 64);
        for (l, level) in self.lower.iter_mut().enumerate() {
            let at = k >> (6 * l);
            // SAFETY: `key < n`, and level `l` has a bit for every `key >> 6l`.
            unsafe { *level.get_unchecked_mut(at / 64) |= 1 << (at % 64) };
        }
        self.top |= 1 << ((k >> (6 * LOWER)) % 64);
    }

    /// Removes and returns the smallest key.
    #[inline(always)]
    fn pop_min(&mut self) -> Option<u32> {
        let low = self.low;
        if low == EMPTY {
            return None;
        }
        // SAFETY: `low` is the index of a non-empty bottom word.
        let word = unsafe { self.lower[0].get_unchecked_mut(low) };
        let key = low * 64 + word.trailing_zeros() as usize;
        *word &= *word - 1;
        if *word == 0 {
            self.emptied(low);
        }
        Some(key as u32)
    }
}

/// Up to 2^18 keys.
pub type SmallTree = BitTree<2>;
/// Up to 2^36 keys, more than any node count.
pub type LargeTree = BitTree<5>;

/// The ready nodes of a deterministic Kahn traversal: the node of the smallest rank leaves first.
/// Without priorities a node's rank is its index and no lookup is made.
pub struct RankedReady<S: KeySet> {
    set: S,
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

impl<S: KeySet> RankedReady<S> {
    pub fn new(n: u32, priority: Option<&[f64]>) -> Result<Self, GraphErr> {
        let (rank, by_rank) = match priority {
            Some(_) => ranks(n, priority)?,
            None => (Vec::new(), Vec::new()),
        };
        Ok(RankedReady {
            set: S::new(n as usize)?,
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

impl<S: KeySet> Ready for RankedReady<S> {
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
