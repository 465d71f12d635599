//! Topological orders (through the traversal of `walk`), the cycle that prevents one, and
//! parallel levels: from the rows a traversal kept, or, for `parallel_levels`, from a
//! first-come Kahn loop of their own that reads levels only along the edge that frees a node.

use crate::csr::{build, Csr};
use crate::error::{filled, with_capacity, GraphErr};
use crate::walk::{KeptRows, Walk};

/// Some topological order, or the graph's cycle.
pub fn any_order(csr: &Csr, edges: &[u32]) -> Result<Vec<u32>, GraphErr> {
    let walk = Walk::first_come::<false, false>(csr)?;
    walk.check_complete(edges)?;
    Ok(walk.order)
}

/// The deterministic order: among ready nodes the higher priority first, then the lower index.
pub fn topo_sort(n: u32, edges: &[u32], priority: Option<&[f64]>) -> Result<Vec<u32>, GraphErr> {
    let walk = Walk::ranked::<false, false>(&build(n, edges, false, false)?, priority)?;
    walk.check_complete(edges)?;
    Ok(walk.order)
}

/// Finds a cycle among the nodes Kahn's algorithm could not remove (`deg[v] > 0`).
///
/// Every such node has a predecessor that is also left, so walking predecessors from the
/// lowest-index leftover node must revisit a node; the revisited stretch, reversed, is a cycle.
/// The cycle is rotated to start at its lowest index.
pub fn find_cycle(n: u32, edges: &[u32], deg: &[u32]) -> Result<Vec<u32>, GraphErr> {
    let rev = build(n, edges, true, false)?;
    let start = match (0..n).find(|&v| deg[v as usize] > 0) {
        Some(v) => v,
        None => return Ok(Vec::new()),
    };
    let mut seen_at: Vec<u32> = filled(n as usize, u32::MAX)?;
    let mut walk: Vec<u32> = Vec::new();
    let mut cur = start;
    loop {
        if seen_at[cur as usize] != u32::MAX {
            break;
        }
        seen_at[cur as usize] = walk.len() as u32;
        walk.push(cur);
        // A leftover predecessor always exists; `unwrap_or` keeps a corrupt call from trapping.
        cur = rev
            .row(cur)
            .iter()
            .copied()
            .find(|&p| deg[p as usize] > 0)
            .unwrap_or(cur);
    }
    let mut cycle: Vec<u32> = walk[seen_at[cur as usize] as usize..].to_vec();
    cycle.reverse();
    let lowest = cycle
        .iter()
        .enumerate()
        .min_by_key(|&(_, &v)| v)
        .map(|(i, _)| i)
        .unwrap_or(0);
    cycle.rotate_left(lowest);
    Ok(cycle)
}

/// Parallel levels (wavefronts).
pub struct Levels {
    /// The level of every node: 0 for nodes without dependencies.
    pub level: Vec<u32>,
    /// `nodes[offsets[k]..offsets[k + 1]]` are the nodes of level `k`, ascending.
    pub offsets: Vec<u32>,
    pub nodes: Vec<u32>,
}

/// The level of every node of the DAG whose traversal kept `rows`: one more than its highest
/// predecessor's.
pub fn levels_of(rows: &KeptRows) -> Result<Vec<u32>, GraphErr> {
    let mut level: Vec<u32> = filled(rows.len(), 0)?;
    rows.each(|u, row| {
        let next = level[u as usize] + 1;
        for &w in row {
            let l = &mut level[w as usize];
            *l = (*l).max(next);
        }
    });
    Ok(level)
}

/// Groups nodes by a level already computed for each.
pub fn group_levels(level: Vec<u32>) -> Result<Levels, GraphErr> {
    let depth = level.iter().map(|&l| l + 1).max().unwrap_or(0) as usize;
    let mut offsets: Vec<u32> = filled(depth + 1, 0)?;
    for &l in &level {
        offsets[l as usize + 1] += 1;
    }
    for k in 0..depth {
        offsets[k + 1] += offsets[k];
    }
    let mut cursor = offsets.clone();
    let mut nodes: Vec<u32> = filled(level.len(), 0)?;
    for (v, &l) in level.iter().enumerate() {
        nodes[cursor[l as usize] as usize] = v as u32;
        cursor[l as usize] += 1;
    }
    Ok(Levels {
        level,
        offsets,
        nodes,
    })
}

/// The parallel levels of a DAG, or its cycle.
///
/// First-come Kahn takes nodes in order of level: sources first, and each node is queued when
/// its last predecessor leaves, which is then one of its predecessors of highest level. So a
/// node's level is one more than the level of the node that frees it, and no edge but that one
/// needs a look at levels.
pub fn parallel_levels(n: u32, edges: &[u32]) -> Result<Levels, GraphErr> {
    let csr = build(n, edges, false, false)?;
    let mut deg = csr.in_degree.clone();
    let mut level: Vec<u32> = filled(n as usize, 0)?;
    let mut queue: Vec<u32> = with_capacity(n as usize)?;
    queue.extend((0..n).filter(|&v| deg[v as usize] == 0));
    let mut head = 0;
    while let Some(&u) = queue.get(head) {
        head += 1;
        for &w in csr.row(u) {
            let d = &mut deg[w as usize];
            *d -= 1;
            if *d == 0 {
                level[w as usize] = level[u as usize] + 1;
                queue.push(w);
            }
        }
    }
    if queue.len() < n as usize {
        return Err(GraphErr::Cycle(find_cycle(n, edges, &deg)?));
    }
    group_levels(level)
}
