//! Who each touchpoint reached: the touchpoint names customers mention (a
//! touchpoints column, an Interactions sheet) turned into spend-row indices,
//! with a warning for names the spend sheet does not list.

use std::collections::HashMap;

use super::fields::normalize;
use crate::error::{Code, Diagnostic};
use crate::model::Dataset;

/// Turns the touchpoint names customers mention into indices of the spend
/// rows, warning about names the spend sheet does not have.
pub(super) fn link_reach(
    ds: &mut Dataset,
    names: &[String],
    interactions: Option<Vec<(u32, String)>>,
) {
    let by_name: HashMap<String, u16> = ds
        .touchpoints
        .iter()
        .enumerate()
        .map(|(i, t)| (normalize(&t.name), i as u16))
        .collect();
    let remap: Vec<Option<u16>> = names
        .iter()
        .map(|n| by_name.get(&normalize(n)).copied())
        .collect();
    let unknown: Vec<&str> = names
        .iter()
        .zip(&remap)
        .filter(|(_, r)| r.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    if !unknown.is_empty() {
        ds.warnings.push(Diagnostic::new(
            Code::UnknownTouchpoints,
            format!(
                "the customers' touchpoints column names {} touchpoint(s) the spend sheet does not list: {}",
                unknown.len(),
                unknown.iter().take(10).copied().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    for c in ds.customers.iter_mut() {
        if !c.reached_by.is_empty() {
            let mut v: crate::model::TouchList = c
                .reached_by
                .iter()
                .filter_map(|i| remap[*i as usize])
                .collect();
            v.sort_unstable();
            v.dedup();
            c.reached_by = v;
        }
    }
    if let Some(pairs) = interactions {
        let mut unknown_tp: Vec<String> = Vec::new();
        let mut per_customer: HashMap<u32, Vec<u16>> = HashMap::new();
        for (cust, key) in pairs {
            match by_name.get(&key) {
                Some(t) => per_customer.entry(cust).or_default().push(*t),
                None => {
                    if !unknown_tp.contains(&key) {
                        unknown_tp.push(key);
                    }
                }
            }
        }
        for (cust, list) in per_customer {
            let c = &mut ds.customers[cust as usize];
            let mut v: crate::model::TouchList = c.reached_by.iter().copied().chain(list).collect();
            v.sort_unstable();
            v.dedup();
            c.reached_by = v;
        }
        if !unknown_tp.is_empty() {
            ds.warnings.push(Diagnostic::new(
                Code::UnknownTouchpoints,
                format!(
                    "the Interactions sheet names {} touchpoint(s) the spend sheet does not list",
                    unknown_tp.len()
                ),
            ));
        }
    }
}
