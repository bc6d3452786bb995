//! Sorting the buyers' times into the distinct values the BG/NBD
//! likelihood evaluates once each: helpers of `bgnbd::Groups`.

use rayon::prelude::*;

/// The sorted distinct values of `v`.
pub(super) fn distinct(mut v: Vec<f64>) -> Vec<f64> {
    v.par_sort_unstable_by(f64::total_cmp);
    v.dedup();
    v
}

/// The distinct days (0…`max`) that the `day` field of `rows` holds, in
/// time units, ascending; each row's day replaced by its index among them.
pub(super) fn used_days(
    rows: &mut [(u32, u32, u32, u32)],
    max: u32,
    unit_days: f64,
    day: impl Fn(&mut (u32, u32, u32, u32)) -> &mut u32,
) -> Vec<f64> {
    let mut index = vec![u32::MAX; max as usize + 1];
    for r in rows.iter_mut() {
        index[*day(r) as usize] = 0;
    }
    let mut values = Vec::new();
    for (d, slot) in index.iter_mut().enumerate() {
        if *slot == 0 {
            *slot = values.len() as u32;
            values.push(d as f64 / unit_days);
        }
    }
    for r in rows.iter_mut() {
        let d = day(r);
        *d = index[*d as usize];
    }
    values
}

/// The index of `v` among the sorted `values`.
pub(super) fn position(values: &[f64], v: f64) -> u32 {
    values.partition_point(|&u| u < v) as u32
}
