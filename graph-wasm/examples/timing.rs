//! Native timings of each graph job on a random DAG of 200,000 nodes and 1,000,000 edges (labels
//! shuffled, as in `bench/graph_bench.ts`), best of seven runs:
//! `cargo run --release --example timing`.

use baton_graph_core::*;
use std::time::Instant;
fn best<F: FnMut()>(name: &str, mut f: F) {
    let mut b = f64::MAX;
    for _ in 0..7 {
        let t = Instant::now();
        f();
        b = b.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{name:10} {b:.2} ms");
}
fn main() {
    let n = 200_000u32;
    let m = 1_000_000usize;
    let mut s: u64 = 7;
    let mut rnd = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut perm: Vec<u32> = (0..n).collect();
    for i in (1..n as usize).rev() {
        let j = (rnd() % (i as u64 + 1)) as usize;
        perm.swap(i, j);
    }
    let mut seen = std::collections::HashSet::new();
    let mut edges = Vec::new();
    while edges.len() < 2 * m {
        let mut a = (rnd() % n as u64) as u32;
        let mut b = (rnd() % n as u64) as u32;
        if a == b {
            continue;
        }
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        if seen.insert((a, b)) {
            edges.push(perm[a as usize]);
            edges.push(perm[b as usize]);
        }
    }
    let d = vec![1.0; n as usize];
    best("validate", || {
        validate::validate(n, &edges).unwrap();
    });
    best("analyze", || {
        analyze::analyze(n, &edges, Some(&d), None).unwrap();
    });
    best("analyze-nd", || {
        analyze::analyze(n, &edges, None, None).unwrap();
    });
    best("topo", || {
        topo::topo_sort(n, &edges, None).unwrap();
    });
    best("levels", || {
        topo::parallel_levels(n, &edges).unwrap();
    });
    best("critical", || {
        critical::critical_path(n, &edges, &d).unwrap();
    });
    best("build", || {
        csr::build(n, &edges, false, false).unwrap();
    });
    let c = csr::build(n, &edges, false, false).unwrap();
    best("any_order", || {
        topo::any_order(&c, &edges).unwrap();
    });
    best("ranked", || {
        walk::Walk::ranked::<false, false>(&c, None).unwrap();
    });
}
