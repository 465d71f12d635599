//! The C ABI: staged input, status codes, output layout, and refusal of bad counts.

use baton_graph_core::*;
use std::sync::Mutex;

/// The ABI keeps its buffers in statics; tests run on several threads.
static LOCK: Mutex<()> = Mutex::new(());

fn stage(floats: &[f64], ints: &[u32]) {
    let bytes = floats.len() * 8 + ints.len() * 4;
    let ptr = baton_graph_input(bytes as u32);
    assert!(!ptr.is_null());
    unsafe {
        std::ptr::copy_nonoverlapping(floats.as_ptr() as *const u8, ptr, floats.len() * 8);
        std::ptr::copy_nonoverlapping(
            ints.as_ptr() as *const u8,
            ptr.add(floats.len() * 8),
            ints.len() * 4,
        );
    }
}

fn output_u32() -> Vec<u32> {
    let bytes = baton_graph_output_bytes() as usize;
    let ptr = baton_graph_output() as *const u32;
    unsafe { std::slice::from_raw_parts(ptr, bytes / 4).to_vec() }
}

#[test]
fn every_export_answers_through_the_staged_buffers() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    stage(&[], &[0, 1, 0, 2, 1, 3, 2, 3]);
    assert_eq!(baton_graph_validate(4, 4), 0);
    assert_eq!(baton_graph_topo_sort(4, 4, 0), 0);
    assert_eq!(output_u32(), vec![4, 0, 0, 0, 0, 1, 2, 3]);
    assert_eq!(baton_graph_levels(4, 4), 0);
    assert_eq!(
        output_u32(),
        vec![3, 0, 0, 0, 0, 1, 1, 2, 0, 1, 3, 4, 0, 1, 2, 3]
    );
    assert_eq!(baton_graph_transitive_reduction(4, 4), 0);
    assert_eq!(output_u32()[0], 0);
    stage(&[], &[0, 1, 0, 2, 1, 3, 2, 3, 1]);
    assert_eq!(baton_graph_descendants(4, 4, 1, 0), 0);
    assert_eq!(output_u32(), vec![1, 0, 0, 0, 3]);
    assert_eq!(baton_graph_ancestors(4, 4, 1, 1), 0);
    assert_eq!(output_u32(), vec![2, 0, 0, 0, 0, 1]);
    stage(&[1.0, 2.0, 5.0, 1.0], &[0, 1, 0, 2, 1, 3, 2, 3]);
    assert_eq!(baton_graph_critical_path(4, 4), 0);
    let out = output_u32();
    assert_eq!(out[0], 3);
    assert_eq!(&out[out.len() - 3..], &[0, 2, 3]);
    assert_eq!(baton_graph_analyze(4, 4, 1), 0);
    stage(&[], &[0, 1, 1, 0]);
    assert_eq!(baton_graph_break_cycles(2, 2, 0), 0);
    assert_eq!(output_u32()[0], 1);
    baton_graph_release();
}

#[test]
fn errors_come_back_as_codes_with_details() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    stage(&[], &[0, 1, 1, 0]);
    assert_eq!(baton_graph_validate(2, 2), error::CYCLE);
    assert_eq!(output_u32(), vec![2, 0, 0, 0, 0, 1]);
    assert_eq!(baton_graph_topo_sort(1, 2, 0), error::UNKNOWN_NODE);
    assert_eq!(output_u32(), vec![1, 1, 0, 0]);
    stage(&[], &[0, 0]);
    assert_eq!(baton_graph_validate(1, 1), error::SELF_LOOP);
    stage(&[], &[0, 1, 0, 1]);
    assert_eq!(baton_graph_validate(2, 2), error::DUPLICATE_EDGE);
    assert_eq!(output_u32(), vec![1, 0, 0, 0]);
}

#[test]
fn counts_past_the_staged_input_or_the_limits_are_refused() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    stage(&[], &[0, 1]);
    assert_eq!(baton_graph_validate(2, 2), error::BAD_ARGUMENT);
    assert_eq!(baton_graph_validate(u32::MAX, 1), error::BAD_ARGUMENT);
    assert_eq!(baton_graph_topo_sort(2, 1, 1), error::BAD_ARGUMENT);
    assert_eq!(baton_graph_analyze(2, 1, 99), error::BAD_ARGUMENT);
    assert_eq!(baton_graph_descendants(2, 1, 7, 0), error::BAD_ARGUMENT);
    assert!(baton_graph_input(u32::MAX).is_null());
    assert_eq!(baton_graph_validate(2, 1), error::BAD_ARGUMENT);
}
