//! Unit tests of the BG/NBD likelihood and fit, kept beside the model.
use super::*;

#[test]
fn both_grouping_paths_give_the_same_likelihood() {
    let hs: Vec<BuyerHistory> = (0..500u32)
        .map(|i| {
            let x = i % 5;
            let t_big = (i % 97) as f64 + 3.0;
            BuyerHistory {
                x,
                t_x: if x == 0 { 0.0 } else { (i % 3) as f64 },
                t_big,
                monetary: 0.0,
            }
        })
        .collect();
    let lp = [0.3_f64.ln(), 20.0_f64.ln(), 0.8_f64.ln(), 2.5_f64.ln()];
    for unit in [1.0, 7.0] {
        let dense = Groups::whole_days(&hs, unit).expect("whole days");
        let general = Groups::any_times(&hs, unit);
        assert!(dense.rows.len() < hs.len() && general.rows.len() == dense.rows.len());
        let (f1, g1) = dense.mean_ll(&lp);
        let (f2, g2) = general.mean_ll(&lp);
        assert!((f1 - f2).abs() < 1e-12 * f1.abs());
        for k in 0..4 {
            assert!((g1[k] - g2[k]).abs() < 1e-12 * g1[k].abs().max(1.0));
        }
    }
    let fractional = [BuyerHistory {
        t_big: 2.5,
        ..hs[0]
    }];
    assert!(Groups::whole_days(&fractional, 1.0).is_none());
}

#[test]
fn analytic_gradient_matches_finite_differences() {
    let hs: Vec<BuyerHistory> = (0..200u32)
        .map(|i| BuyerHistory {
            x: i % 7,
            t_x: if i % 7 == 0 { 0.0 } else { (i % 40) as f64 },
            t_big: 40.0 + (i % 30) as f64,
            monetary: 0.0,
        })
        .collect();
    let groups = Groups::new(&hs, 1.0);
    let lp = [0.4_f64.ln(), 15.0_f64.ln(), 0.7_f64.ln(), 3.0_f64.ln()];
    let (_, g) = groups.mean_ll(&lp);
    for k in 0..4 {
        let (mut up, mut down) = (lp, lp);
        up[k] += 1e-6;
        down[k] -= 1e-6;
        let numeric = (groups.mean_ll(&up).0 - groups.mean_ll(&down).0) / 2e-6;
        assert!((numeric - g[k]).abs() < 1e-7, "{k}: {numeric} vs {}", g[k]);
    }
}
