//! Every algorithm on the shapes that break graph code: empty, one node, self-loop,
//! two-node cycle, long chain, diamond, disconnected parts.

use baton_graph_core::analyze::analyze;
use baton_graph_core::critical::critical_path;
use baton_graph_core::error::GraphErr;
use baton_graph_core::fas::break_cycles;
use baton_graph_core::reach::reach;
use baton_graph_core::reduce::transitive_reduction;
use baton_graph_core::topo::{parallel_levels, topo_sort};
use baton_graph_core::validate::validate;

const DIAMOND: [u32; 8] = [0, 1, 0, 2, 1, 3, 2, 3];
/// Two parts: 0 -> 1 and 2 -> 3 -> 4, plus the lone node 5.
const PARTS: [u32; 6] = [0, 1, 2, 3, 3, 4];

fn chain(n: u32) -> Vec<u32> {
    (0..n.saturating_sub(1)).flat_map(|i| [i, i + 1]).collect()
}

#[test]
fn validate_accepts_empty_single_chain_diamond_and_parts() {
    assert_eq!(validate(0, &[]), Ok(()));
    assert_eq!(validate(1, &[]), Ok(()));
    assert_eq!(validate(10_000, &chain(10_000)), Ok(()));
    assert_eq!(validate(4, &DIAMOND), Ok(()));
    assert_eq!(validate(6, &PARTS), Ok(()));
}

#[test]
fn validate_reports_each_problem_with_its_place() {
    assert_eq!(
        validate(2, &[0, 1, 1, 7]),
        Err(GraphErr::UnknownNode { index: 3, node: 7 })
    );
    assert_eq!(
        validate(0, &[0, 0]),
        Err(GraphErr::UnknownNode { index: 0, node: 0 })
    );
    assert_eq!(
        validate(3, &[0, 1, 2, 2]),
        Err(GraphErr::SelfLoop { edge: 1, node: 2 })
    );
    assert_eq!(
        validate(3, &[0, 1, 1, 2, 0, 1]),
        Err(GraphErr::DuplicateEdge { edge: 2, first: 0 })
    );
    assert_eq!(validate(2, &[0, 1, 1, 0]), Err(GraphErr::Cycle(vec![0, 1])));
    assert_eq!(
        validate(5, &[3, 4, 4, 2, 2, 3, 0, 1]),
        Err(GraphErr::Cycle(vec![2, 3, 4]))
    );
}

#[test]
fn topo_sort_is_deterministic_with_priority_then_index() {
    assert_eq!(topo_sort(0, &[], None), Ok(vec![]));
    assert_eq!(topo_sort(1, &[], None), Ok(vec![0]));
    assert_eq!(topo_sort(4, &DIAMOND, None), Ok(vec![0, 1, 2, 3]));
    let high_two = [0.0, 0.0, 5.0, 0.0];
    assert_eq!(
        topo_sort(4, &DIAMOND, Some(&high_two)),
        Ok(vec![0, 2, 1, 3])
    );
    assert_eq!(topo_sort(6, &PARTS, None), Ok(vec![0, 1, 2, 3, 4, 5]));
    let order = topo_sort(1000, &chain(1000), None).unwrap();
    assert!(order.iter().enumerate().all(|(i, &v)| v == i as u32));
    // Reversed chain: only one order exists.
    let rev: Vec<u32> = chain(5)
        .chunks(2)
        .flat_map(|e| [4 - e[0], 4 - e[1]])
        .collect();
    assert_eq!(topo_sort(5, &rev, None), Ok(vec![4, 3, 2, 1, 0]));
}

#[test]
fn topo_sort_rejects_self_loops_and_cycles_with_the_path() {
    assert_eq!(topo_sort(1, &[0, 0], None), Err(GraphErr::Cycle(vec![0])));
    assert_eq!(
        topo_sort(2, &[1, 0, 0, 1], None),
        Err(GraphErr::Cycle(vec![0, 1]))
    );
    assert_eq!(
        topo_sort(2, &[0, 2], None),
        Err(GraphErr::UnknownNode { index: 1, node: 2 })
    );
}

#[test]
fn parallel_levels_are_wavefronts() {
    let l = parallel_levels(0, &[]).unwrap();
    assert_eq!((l.level, l.offsets, l.nodes), (vec![], vec![0], vec![]));
    let l = parallel_levels(1, &[]).unwrap();
    assert_eq!(
        (l.level, l.offsets, l.nodes),
        (vec![0], vec![0, 1], vec![0])
    );
    let l = parallel_levels(4, &DIAMOND).unwrap();
    assert_eq!(l.level, vec![0, 1, 1, 2]);
    assert_eq!(l.offsets, vec![0, 1, 3, 4]);
    assert_eq!(l.nodes, vec![0, 1, 2, 3]);
    let l = parallel_levels(6, &PARTS).unwrap();
    assert_eq!(l.level, vec![0, 1, 0, 1, 2, 0]);
    assert_eq!(l.nodes, vec![0, 2, 5, 1, 3, 4]);
    let l = parallel_levels(500, &chain(500)).unwrap();
    assert_eq!(l.offsets.len(), 501);
    assert_eq!(
        parallel_levels(2, &[0, 1, 1, 0]).err(),
        Some(GraphErr::Cycle(vec![0, 1]))
    );
    assert_eq!(
        parallel_levels(1, &[0, 0]).err(),
        Some(GraphErr::Cycle(vec![0]))
    );
}

#[test]
fn critical_path_gives_starts_slack_makespan_and_path() {
    let s = critical_path(0, &[], &[]).unwrap();
    assert_eq!((s.makespan, s.path.len()), (0.0, 0));
    let s = critical_path(1, &[], &[4.0]).unwrap();
    assert_eq!((s.makespan, s.path), (4.0, vec![0]));
    let s = critical_path(4, &DIAMOND, &[1.0, 2.0, 5.0, 1.0]).unwrap();
    assert_eq!(s.earliest, vec![0.0, 1.0, 1.0, 6.0]);
    assert_eq!(s.latest, vec![0.0, 4.0, 1.0, 6.0]);
    assert_eq!(s.slack, vec![0.0, 3.0, 0.0, 0.0]);
    assert_eq!(s.makespan, 7.0);
    assert_eq!(s.path, vec![0, 2, 3]);
    let s = critical_path(6, &PARTS, &[1.0, 1.0, 1.0, 1.0, 1.0, 9.0]).unwrap();
    assert_eq!((s.makespan, s.path.clone()), (9.0, vec![5]));
    assert_eq!(s.slack[2], 6.0);
    let n = 2000;
    let s = critical_path(n, &chain(n), &vec![1.0; n as usize]).unwrap();
    assert_eq!((s.makespan, s.path.len()), (2000.0, 2000));
    assert_eq!(
        critical_path(2, &[0, 1, 1, 0], &[1.0, 1.0]).err(),
        Some(GraphErr::Cycle(vec![0, 1]))
    );
    assert_eq!(
        critical_path(2, &[], &[1.0, f64::NAN]).err(),
        Some(GraphErr::BadArgument {
            argument: 1,
            index: 1
        })
    );
    assert_eq!(
        critical_path(1, &[], &[-1.0]).err(),
        Some(GraphErr::BadArgument {
            argument: 1,
            index: 0
        })
    );
}

#[test]
fn transitive_reduction_finds_shortcut_and_duplicate_edges() {
    assert_eq!(transitive_reduction(0, &[]), Ok(vec![]));
    assert_eq!(transitive_reduction(1, &[]), Ok(vec![]));
    assert_eq!(transitive_reduction(4, &DIAMOND), Ok(vec![]));
    // Diamond plus the shortcut 0 -> 3 (edge 4) and a repeat of 1 -> 3 (edge 5).
    let edges = [0, 1, 0, 2, 1, 3, 2, 3, 0, 3, 1, 3];
    assert_eq!(transitive_reduction(4, &edges), Ok(vec![4, 5]));
    let mut long = chain(100);
    long.extend_from_slice(&[0, 99, 10, 50]);
    assert_eq!(transitive_reduction(100, &long), Ok(vec![99, 100]));
    assert_eq!(transitive_reduction(6, &PARTS), Ok(vec![]));
    assert_eq!(
        transitive_reduction(1, &[0, 0]).err(),
        Some(GraphErr::Cycle(vec![0]))
    );
}

#[test]
fn descendants_and_ancestors_of_a_set() {
    assert_eq!(reach(0, &[], &[], true, false), Ok(vec![]));
    assert_eq!(reach(1, &[], &[0], true, false), Ok(vec![]));
    assert_eq!(reach(1, &[], &[0], true, true), Ok(vec![0]));
    assert_eq!(reach(4, &DIAMOND, &[1], true, false), Ok(vec![3]));
    assert_eq!(reach(4, &DIAMOND, &[1, 2], false, false), Ok(vec![0]));
    assert_eq!(reach(4, &DIAMOND, &[3], false, true), Ok(vec![0, 1, 2, 3]));
    assert_eq!(reach(6, &PARTS, &[2], true, false), Ok(vec![3, 4]));
    assert_eq!(reach(6, &PARTS, &[5], false, false), Ok(vec![]));
    // Cycles are fine here: a seed on a cycle is its own descendant.
    assert_eq!(
        reach(3, &[0, 1, 1, 0, 1, 2], &[0], true, false),
        Ok(vec![0, 1, 2])
    );
    assert_eq!(reach(1, &[0, 0], &[0], true, false), Ok(vec![0]));
    assert_eq!(
        reach(2, &[0, 1], &[5], true, false),
        Err(GraphErr::BadArgument {
            argument: 2,
            index: 0
        })
    );
}

fn acyclic_without(n: u32, edges: &[u32], dropped: &[u32]) -> bool {
    let kept: Vec<u32> = (0..edges.len() / 2)
        .filter(|e| !dropped.contains(&(*e as u32)))
        .flat_map(|e| [edges[2 * e], edges[2 * e + 1]])
        .collect();
    topo_sort(n, &kept, None).is_ok()
}

#[test]
fn break_cycles_drops_few_edges_and_prefers_low_priority_targets() {
    assert_eq!(break_cycles(0, &[], None), Ok(vec![]));
    assert_eq!(break_cycles(1, &[], None), Ok(vec![]));
    assert_eq!(break_cycles(1, &[0, 0], None), Ok(vec![0]));
    assert_eq!(break_cycles(4, &DIAMOND, None), Ok(vec![]));
    assert_eq!(break_cycles(6, &PARTS, None), Ok(vec![]));
    assert_eq!(break_cycles(50, &chain(50), None), Ok(vec![]));
    // 0 <-> 1: dropping the edge into the low-priority node.
    assert_eq!(
        break_cycles(2, &[0, 1, 1, 0], Some(&[1.0, 9.0])),
        Ok(vec![1])
    );
    assert_eq!(
        break_cycles(2, &[0, 1, 1, 0], Some(&[9.0, 1.0])),
        Ok(vec![0])
    );
    // A ring of 20 needs exactly one edge removed.
    let mut ring = chain(20);
    ring.extend_from_slice(&[19, 0]);
    let dropped = break_cycles(20, &ring, None).unwrap();
    assert_eq!(dropped.len(), 1);
    assert!(acyclic_without(20, &ring, &dropped));
    // Two disjoint two-cycles.
    let two = [0, 1, 1, 0, 2, 3, 3, 2];
    let dropped = break_cycles(4, &two, None).unwrap();
    assert_eq!(dropped.len(), 2);
    assert!(acyclic_without(4, &two, &dropped));
}

#[test]
fn analyze_equals_the_separate_jobs() {
    let durations = [1.0, 2.0, 5.0, 1.0];
    let a = analyze(4, &DIAMOND, Some(&durations), None).unwrap();
    assert_eq!(a.order, topo_sort(4, &DIAMOND, None).unwrap());
    assert_eq!(a.levels.level, parallel_levels(4, &DIAMOND).unwrap().level);
    let s = a.schedule.unwrap();
    assert_eq!((s.makespan, s.path), (7.0, vec![0, 2, 3]));
    assert!(analyze(0, &[], None, None).unwrap().schedule.is_none());
    assert_eq!(
        analyze(2, &[0, 1, 0, 1], None, None).err(),
        Some(GraphErr::DuplicateEdge { edge: 1, first: 0 })
    );
}

#[test]
fn analyze_handles_a_node_that_frees_more_than_a_row_buffer() {
    // Node 0 precedes 1..=200, and each of those precedes 201: one row frees 200 nodes.
    let mut edges: Vec<u32> = (1..=200).flat_map(|v| [0, v]).collect();
    edges.extend((1..=200).flat_map(|v| [v, 201]));
    let durations: Vec<f64> = (0..202).map(|v| f64::from(v % 7)).collect();
    let priority: Vec<f64> = (0..202).map(|v| f64::from((v * 37) % 11)).collect();
    let a = analyze(202, &edges, Some(&durations), Some(&priority)).unwrap();
    assert_eq!(a.order, topo_sort(202, &edges, Some(&priority)).unwrap());
    assert_eq!(a.levels.level, parallel_levels(202, &edges).unwrap().level);
    let (s, t) = (
        a.schedule.unwrap(),
        critical_path(202, &edges, &durations).unwrap(),
    );
    assert_eq!(
        (s.earliest, s.latest, s.path),
        (t.earliest, t.latest, t.path)
    );
    // A repeated edge among them is still found, and named by its first and second place.
    let mut repeated = edges.clone();
    repeated.extend_from_slice(&[0, 150]);
    assert_eq!(
        analyze(202, &repeated, None, None).err(),
        Some(GraphErr::DuplicateEdge {
            edge: 400,
            first: 149
        })
    );
}

/// The order of a Kahn traversal that takes the smallest ready index, kept in a binary heap.
fn smallest_first(n: u32, edges: &[u32]) -> Vec<u32> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
    let mut deg = vec![0u32; n as usize];
    for pair in edges.chunks(2) {
        out[pair[0] as usize].push(pair[1]);
        deg[pair[1] as usize] += 1;
    }
    let mut ready: BinaryHeap<Reverse<u32>> = (0..n)
        .filter(|&v| deg[v as usize] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(n as usize);
    while let Some(Reverse(u)) = ready.pop() {
        order.push(u);
        for &w in &out[u as usize] {
            deg[w as usize] -= 1;
            if deg[w as usize] == 0 {
                ready.push(Reverse(w));
            }
        }
    }
    order
}

#[test]
fn the_ready_set_orders_graphs_of_one_to_four_bitmap_levels() {
    // 64 keys fill one bottom word, 4,096 one word of the level above; the smaller tree holds
    // 262,144 keys, and graphs with more nodes go to the larger one.
    for &n in &[1u32, 63, 64, 65, 4_095, 4_097, 262_144, 262_145, 300_000] {
        // Edges from a lower to a higher place of a scrambled order, so that freed nodes land
        // both below and above the smallest ready one.
        let place = |v: u32| (u64::from(v) * 7_919 % u64::from(n)) as u32;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut seen = std::collections::HashSet::new();
        let mut edges = Vec::new();
        for _ in 0..2 * n {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let (a, b) = ((state % u64::from(n)) as u32, (state >> 32) as u32 % n);
            let (a, b) = (a.min(b), a.max(b));
            if a != b && seen.insert((a, b)) {
                edges.extend_from_slice(&[place(a), place(b)]);
            }
        }
        let order = topo_sort(n, &edges, None).unwrap();
        assert_eq!(order, smallest_first(n, &edges), "n = {n}");
        let a = analyze(n, &edges, None, None).unwrap();
        assert_eq!(a.order, order, "n = {n}");
    }
}

#[test]
fn analyze_finds_a_repeated_edge_only_where_there_is_one() {
    // A short row (compared with itself when its mark is met) and a long one (over 32 nodes,
    // marked in a table), each with a repeat at every place.
    let n = 100;
    for len in [4u32, 41] {
        let edges: Vec<u32> = (1..=len).flat_map(|t| [0, t]).collect();
        assert!(analyze(n, &edges, None, None).is_ok(), "row of {len}");
        for k in 0..len {
            let mut repeated = edges.clone();
            repeated.extend_from_slice(&[0, k + 1]);
            let expected = GraphErr::DuplicateEdge {
                edge: len,
                first: k,
            };
            assert_eq!(
                analyze(n, &repeated, None, None).err(),
                Some(expected.clone())
            );
            assert_eq!(validate(n, &repeated).err(), Some(expected));
        }
    }
    // A node with 2^19 predecessors leaves 12 bits of a 4-byte entry for row marks, so marks
    // recur every 4,096 rows; one with 128 predecessors leaves 8 bits of a 2-byte entry, so
    // they recur every 256 rows. Nodes 0..20,000 leave first, in index order, and node
    // 30,000 + r follows r, r + period, r + 2 * period, ...: each row after the first period
    // meets a mark equal to its own without repeating a node. Such rows are checked and found
    // clean, and real repeats among them are still found.
    for (preds, period, hub) in [(1u32 << 19, 4_096u32, 1u32 << 19), (128, 256, 40_000)] {
        let n = hub + 1;
        let mut edges: Vec<u32> = (0..preds).flat_map(|v| [v, hub]).collect();
        edges.extend((0..20_000).flat_map(|j| [j, 30_000 + j % period]));
        assert!(analyze(n, &edges, None, None).is_ok(), "period {period}");
        for &e in &[preds as usize + 5, preds as usize + 15_000, 7] {
            let mut repeated = edges.clone();
            repeated.extend_from_slice(&edges[2 * e..2 * e + 2]);
            let expected = GraphErr::DuplicateEdge {
                edge: (edges.len() / 2) as u32,
                first: e as u32,
            };
            assert_eq!(
                analyze(n, &repeated, None, None).err(),
                Some(expected.clone()),
                "period {period}"
            );
            assert_eq!(validate(n, &repeated).err(), Some(expected));
        }
    }
}
