//! Special functions the customer-value models need.
//!
//! `ln Γ` and the digamma function come from `statrs` (a maintained crate, so
//! nothing numerically delicate is hand-rolled here). The one function `statrs`
//! lacks is the Gauss hypergeometric function ₂F₁, which the BG/NBD conditional
//! expectation needs only for arguments 0 ≤ z < 1; there its defining power
//! series converges and is summed directly, with an explicit bound on the
//! neglected tail and an iteration cap so it always terminates.

/// `ln Γ(x)` for x > 0.
#[inline]
pub fn ln_gamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

/// The digamma function ψ(x) = d/dx ln Γ(x), for x > 0.
#[inline]
pub fn digamma(x: f64) -> f64 {
    statrs::function::gamma::digamma(x)
}

/// Most terms [`hyp2f1`] sums before giving up.
pub const HYP2F1_MAX_TERMS: usize = 10_000_000;

/// Relative accuracy [`hyp2f1`] aims for.
pub const HYP2F1_TOLERANCE: f64 = 1e-15;

/// Gauss's hypergeometric function ₂F₁(a, b; c; z) by its power series
/// Σₙ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ, for |z| < 1.
///
/// Terms are added until the tail is provably small: once the ratio of
/// successive terms ρₙ = (a+n)(b+n) z / ((c+n)(n+1)) is below one, the rest of
/// the series is bounded by |termₙ| · ρ / (1 − ρ) with ρ = max(|ρₙ|, |z|) (the
/// ratio tends to z and, past its turning point, moves monotonically towards
/// it). Summation stops when that bound is below [`HYP2F1_TOLERANCE`] times the
/// sum. Returns `None` when |z| ≥ 1, c is a non-positive integer (a pole), an
/// argument is not finite, or the bound is not met within
/// [`HYP2F1_MAX_TERMS`] terms.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(a.is_finite() && b.is_finite() && c.is_finite() && z.is_finite()) || z.abs() >= 1.0 {
        return None;
    }
    if c <= 0.0 && (c - c.round()).abs() < 1e-12 {
        return None;
    }
    if z == 0.0 {
        return Some(1.0);
    }
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    for n in 0..HYP2F1_MAX_TERMS {
        let nf = n as f64;
        let ratio = (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
        term *= ratio;
        sum += term;
        if term == 0.0 {
            return Some(sum);
        }
        let next = (a + nf + 1.0) * (b + nf + 1.0) / ((c + nf + 1.0) * (nf + 2.0)) * z;
        let rho = next.abs().max(z.abs());
        if rho < 1.0 && term.abs() * rho / (1.0 - rho) <= HYP2F1_TOLERANCE * sum.abs() {
            return sum.is_finite().then_some(sum);
        }
    }
    None
}

/// Most coefficients a [`Hyp2f1Series`] keeps (800 kB).
pub const SERIES_MAX_COEFFICIENTS: usize = 100_000;

/// The coefficients of one ₂F₁(a, b; c; ·) series, for evaluating it at
/// many arguments in [0, `z_max`]: the coefficients depend on (a, b, c) only,
/// so scoring computes them once per distinct x and then evaluates each
/// customer's horizons with multiply-adds alone (no divisions), several
/// arguments interleaved.
#[derive(Debug, Clone)]
pub struct Hyp2f1Series {
    coeffs: Vec<f64>,
}

impl Hyp2f1Series {
    /// Coefficients (a)ₙ(b)ₙ/((c)ₙ n!) up to the first n where the tail bound
    /// of [`hyp2f1`] at `z_max` is met (it then holds for every smaller
    /// argument too). `None` in the cases where [`hyp2f1`] gives `None`, or
    /// when more than [`SERIES_MAX_COEFFICIENTS`] would be needed (callers
    /// then sum per argument with [`hyp2f1`]).
    pub fn new(a: f64, b: f64, c: f64, z_max: f64) -> Option<Hyp2f1Series> {
        if !(a.is_finite() && b.is_finite() && c.is_finite() && (0.0..1.0).contains(&z_max))
            || (c <= 0.0 && (c - c.round()).abs() < 1e-12)
        {
            return None;
        }
        let mut coeffs = vec![1.0];
        let (mut coeff, mut term, mut sum) = (1.0_f64, 1.0_f64, 1.0_f64);
        for n in 0..SERIES_MAX_COEFFICIENTS {
            let nf = n as f64;
            let ratio = (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0));
            coeff *= ratio;
            term *= ratio * z_max;
            coeffs.push(coeff);
            sum += term;
            if coeff == 0.0 || z_max == 0.0 {
                return Some(Hyp2f1Series { coeffs });
            }
            let next = (a + nf + 1.0) * (b + nf + 1.0) / ((c + nf + 1.0) * (nf + 2.0)) * z_max;
            let rho = next.abs().max(z_max);
            if rho < 1.0 && term.abs() * rho / (1.0 - rho) <= HYP2F1_TOLERANCE * sum.abs() {
                return sum.is_finite().then_some(Hyp2f1Series { coeffs });
            }
        }
        None
    }

    /// Writes ₂F₁(a, b; c; zs[j]) into `out[j]` (Horner's rule), for
    /// arguments in [0, z_max].
    pub fn eval_many(&self, zs: &[f64], out: &mut [f64]) {
        let out = &mut out[..zs.len()];
        out.fill(0.0);
        for &c in self.coeffs.iter().rev() {
            for (acc, &z) in out.iter_mut().zip(zs) {
                // Not mul_add: without a target FMA it is a slow library call.
                *acc = *acc * z + c;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol * y.abs().max(1.0)
    }

    #[test]
    fn elementary_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        for z in [0.1_f64, 0.5, 0.9, 0.99] {
            let want = -(1.0_f64 - z).ln() / z;
            assert!(
                close(hyp2f1(1.0, 1.0, 2.0, z).unwrap(), want, 1e-13),
                "z={z}"
            );
        }
        // ₂F₁(a, b; b; z) = (1 − z)^(−a).
        let got = hyp2f1(2.5, 3.0, 3.0, 0.7).unwrap();
        assert!(close(got, 0.3_f64.powf(-2.5), 1e-13));
        // ₂F₁(1/2, 1/2; 3/2; z²) = asin(z) / z.
        let z = 0.8_f64;
        let got = hyp2f1(0.5, 0.5, 1.5, z * z).unwrap();
        assert!(close(got, z.asin() / z, 1e-13));
    }

    #[test]
    fn scipy_reference_values() {
        // scipy.special.hyp2f1, written down from Python.
        let cases = [
            (1.243, 3.426, 3.219, 0.5, 2.526412985277381),
            (0.243, 2.426, 2.219, 0.95, 2.4461866770309872),
            (10.243, 12.426, 12.219, 0.6, 14097.063734220736),
        ];
        for (a, b, c, z, want) in cases {
            let got = hyp2f1(a, b, c, z).unwrap();
            assert!(close(got, want, 1e-12), "{a} {b} {c} {z}: {got} vs {want}");
        }
    }

    #[test]
    fn refuses_outside_the_disc_and_at_poles() {
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0).is_none());
        assert!(hyp2f1(1.0, 1.0, 2.0, -1.5).is_none());
        assert!(hyp2f1(1.0, 1.0, -2.0, 0.5).is_none());
        assert!(hyp2f1(f64::NAN, 1.0, 2.0, 0.5).is_none());
        assert_eq!(hyp2f1(3.0, 4.0, 5.0, 0.0), Some(1.0));
    }

    #[test]
    fn cached_series_agrees_with_direct_summation() {
        let s = Hyp2f1Series::new(1.243, 3.426, 3.219, 0.9).unwrap();
        let zs = [0.0, 0.1, 0.5, 0.9];
        let mut out = [0.0; 4];
        s.eval_many(&zs, &mut out);
        for (z, v) in zs.iter().zip(out) {
            assert!(
                close(v, hyp2f1(1.243, 3.426, 3.219, *z).unwrap(), 1e-14),
                "z={z}"
            );
        }
        assert!(Hyp2f1Series::new(1.0, 1.0, -1.0, 0.5).is_none());
        assert!(Hyp2f1Series::new(1.0, 1.0, 2.0, 1.0).is_none());
    }

    #[test]
    fn gamma_functions() {
        assert!(close(ln_gamma(5.0), 24.0_f64.ln(), 1e-14));
        assert!(close(digamma(1.0), -0.5772156649015329, 1e-13));
    }
}
