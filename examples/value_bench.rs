//! Times the customer-value step (SPEC §4.2) on synthetic customers: grouping
//! and fitting the BG/NBD and Gamma-Gamma models, then scoring P(alive),
//! expected purchases and 12-month CLV for everyone. The audit budget is
//! ≤ 5 % of a ~15 s 1M-customer audit, so the target is < 0.5 s at 1M.
//!
//! The customers are drawn from the models themselves (days, whole-day
//! purchase times, same-day purchases merged), first purchases spread over
//! two years, so the fit should recover the true parameters.
//!
//! ```sh
//! cargo run --release --example value_bench -- [--customers 1000000] [--seed 1] [--csv FILE]
//! ```
//! `--csv` also writes the histories (x,t_x,T,monetary) for the lifetimes
//! timing in scripts/crosscheck_value.py.

use mixaudit::analytics::value::{self, BuyerHistory, FitOptions, OrderValue, ScoreOptions};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::time::Instant;

/// True parameters (days): CDNOW-like.
const R: f64 = 0.25;
const ALPHA: f64 = 30.0;
const A: f64 = 0.8;
const B: f64 = 2.5;
const P: f64 = 6.0;
const Q: f64 = 3.7;
const GAMMA: f64 = 15.0;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller.
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Gamma(shape, scale 1) by Marsaglia & Tsang, boosted for shape < 1.
fn gamma(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let u: f64 = rng.random::<f64>().max(1e-300);
        return gamma(rng, shape + 1.0) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = normal(rng);
        let v = (1.0 + c * z).powi(3);
        if v > 0.0 && rng.random::<f64>().max(1e-300).ln() < 0.5 * z * z + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

fn customer(rng: &mut ChaCha8Rng) -> BuyerHistory {
    let t_big = rng.random_range(0..730) as f64;
    let lambda = gamma(rng, R) / ALPHA;
    let g1 = gamma(rng, A);
    let p = g1 / (g1 + gamma(rng, B));
    // Repeat purchases arrive at rate λ until T; after each one the
    // customer drops out with probability p (not after the first purchase).
    let (mut t, mut last_day, mut x) = (0.0_f64, 0.0_f64, 0u32);
    loop {
        t += -rng.random::<f64>().max(1e-300).ln() / lambda; // λ = 0: t = ∞
        if t > t_big {
            break;
        }
        let day = t.floor();
        if day > last_day {
            x += 1;
            last_day = day;
        }
        if rng.random::<f64>() < p {
            break;
        }
    }
    let monetary = if x > 0 {
        let nu = gamma(rng, Q) / GAMMA;
        gamma(rng, P * x as f64) / nu / x as f64
    } else {
        0.0
    };
    BuyerHistory {
        x,
        t_x: if x > 0 { last_day } else { 0.0 },
        t_big,
        monetary,
    }
}

fn main() {
    let mut n = 1_000_000usize;
    let mut seed = 1u64;
    let mut csv: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--customers" => {
                n = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--customers N")
            }
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).expect("--seed N"),
            "--csv" => csv = args.next(),
            _ => panic!("unknown argument {a}"),
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hs: Vec<BuyerHistory> = (0..n).map(|_| customer(&mut rng)).collect();
    if let Some(path) = csv {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("create csv"));
        writeln!(w, "x,t_x,T,monetary").unwrap();
        for h in &hs {
            writeln!(w, "{},{},{},{}", h.x, h.t_x, h.t_big, h.monetary).unwrap();
        }
    }
    let opts = FitOptions::default();
    let t0 = Instant::now();
    let bg = value::fit_bgnbd(&hs, &opts).expect("BG/NBD fit");
    let t1 = Instant::now();
    let spend = match value::fit_gamma_gamma(&hs, &opts) {
        Ok(f) => OrderValue::GammaGamma(f.params),
        Err(e) => {
            eprintln!("Gamma-Gamma: {e}");
            OrderValue::Observed {
                mean_order_value: 40.0,
            }
        }
    };
    let t2 = Instant::now();
    let scores = value::score(&hs, &bg.params, &spend, &ScoreOptions::default());
    let t3 = Instant::now();
    let clv: f64 = scores.iter().map(|s| s.clv).sum();
    // Diagnostic: grouping plus one likelihood pass.
    let t4 = Instant::now();
    let ll = value::bgnbd_log_likelihood(&bg.params, &hs);
    let t5 = Instant::now();
    let p = bg.params;
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
    println!(
        "value_bench: {n} customers, {} threads: BG/NBD fit {:.0} ms ({} iterations, converged {}), \
         Gamma-Gamma fit {:.0} ms, scoring {:.0} ms, total {:.0} ms",
        rayon::current_num_threads(),
        ms(t0, t1),
        bg.iterations,
        bg.converged,
        ms(t1, t2),
        ms(t2, t3),
        ms(t0, t3)
    );
    println!(
        "  fitted r {:.4} alpha {:.3} a {:.4} b {:.4} (true {R} {ALPHA} {A} {B}); spend {spend:?}; total CLV {clv:.0}",
        p.r, p.alpha, p.a, p.b
    );
    println!(
        "  grouping + one likelihood pass: {:.0} ms (log-likelihood {ll:.1})",
        ms(t4, t5)
    );
}
