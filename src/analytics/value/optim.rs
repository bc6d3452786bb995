//! A small BFGS minimiser for the value models' maximum-likelihood fits.
//!
//! Why BFGS and why here: both models have 3–4 parameters and cheap analytic
//! gradients, so a quasi-Newton method needs a few dozen likelihood passes
//! where Nelder–Mead needs hundreds, which matters at a million customers.
//! The fits run in log-parameter space (all parameters are positive), where
//! the problem is unconstrained. A general crate (argmin) would bring a large
//! dependency tree for about a hundred lines of well-known algorithm: dense
//! inverse-Hessian BFGS update (Nocedal & Wright, eq. 6.17), backtracking
//! line search with the Armijo condition, the update skipped when the
//! curvature condition sᵀy > 0 fails, and a restart from the identity when
//! the line search cannot make progress.
//!
//! Convergence is reported honestly: `converged` is true only when the
//! largest gradient component is within the tolerance.

/// Result of [`minimise`].
#[derive(Debug, Clone, Copy)]
pub struct Outcome<const N: usize> {
    /// The best point found.
    pub x: [f64; N],
    /// Objective value there.
    pub f: f64,
    /// Largest absolute gradient component there.
    pub grad_max: f64,
    /// BFGS iterations used.
    pub iterations: usize,
    /// Whether `grad_max ≤ tolerance` was reached.
    pub converged: bool,
    /// The final inverse-Hessian approximation (a warm start for a related
    /// problem).
    pub inverse_hessian: [[f64; N]; N],
}

/// Largest allowed step in any coordinate (log-space: a factor of e³).
const MAX_STEP: f64 = 3.0;

fn dot<const N: usize>(u: &[f64; N], v: &[f64; N]) -> f64 {
    u.iter().zip(v).map(|(a, b)| a * b).sum()
}

fn max_abs<const N: usize>(v: &[f64; N]) -> f64 {
    v.iter().fold(0.0_f64, |m, x| m.max(x.abs()))
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for (i, row) in h.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    h
}

/// Line-search halvings (a step of 2⁻²⁰ of the full one) and relative gain
/// below which an accepted step counts as no progress.
const STALL_HALVINGS: usize = 20;
const STALL_GAIN: f64 = 1e-13;

/// Minimises `fg` (returning the value and the gradient; a non-finite value
/// means "outside the domain") from `x0`, until the largest gradient
/// component is at most `tolerance`, `max_iterations` BFGS steps are used,
/// a coordinate leaves [−`limit`, `limit`] (the minimum is at infinity:
/// stopping early keeps divergent fits cheap), or three steps in a row make
/// no progress (unconverged, like the cap). `h0` is an initial
/// inverse-Hessian approximation (else a scaled identity).
pub fn minimise<const N: usize>(
    fg: impl Fn(&[f64; N]) -> (f64, [f64; N]),
    x0: [f64; N],
    h0: Option<[[f64; N]; N]>,
    tolerance: f64,
    max_iterations: usize,
    limit: f64,
) -> Outcome<N> {
    let (mut f, mut g) = fg(&x0);
    let mut x = x0;
    let mut h = h0.unwrap_or_else(identity::<N>);
    let mut iterations = 0;
    let mut restarted = false;
    let mut stalled = 0;
    while iterations < max_iterations
        && f.is_finite()
        && max_abs(&g) > tolerance
        && max_abs(&x) <= limit
    {
        iterations += 1;
        // Search direction d = −H g; fall back to steepest descent if H lost
        // positive definiteness numerically.
        let mut d = [0.0; N];
        for i in 0..N {
            d[i] = -dot(&h[i], &g);
        }
        let mut slope = dot(&d, &g);
        if slope.is_nan() || slope >= 0.0 {
            h = identity();
            d = g.map(|v| -v);
            slope = dot(&d, &g);
        }
        let scale = (MAX_STEP / max_abs(&d)).min(1.0);
        let mut step = scale;
        let mut accepted = None;
        let mut halvings = 0;
        for _ in 0..40 {
            let mut xn = x;
            for i in 0..N {
                xn[i] += step * d[i];
            }
            let (fnew, gnew) = fg(&xn);
            if fnew.is_finite() && fnew <= f + 1e-4 * step * slope {
                accepted = Some((xn, fnew, gnew));
                break;
            }
            step *= 0.5;
            halvings += 1;
        }
        let Some((xn, fnew, gnew)) = accepted else {
            // No decrease along d: restart once from the identity, else stop.
            if restarted {
                break;
            }
            restarted = true;
            h = identity();
            continue;
        };
        restarted = false;
        // Stuck on a ridge (a, b → ∞ when the data show no drop-out): the
        // line search needs a millionth of a step to gain a few ulps of the
        // likelihood, iteration after iteration, at some twenty evaluations
        // each. Three such steps in a row end the search, unconverged, as
        // the iteration cap would, only hundreds of evaluations sooner.
        if halvings >= STALL_HALVINGS && f - fnew <= STALL_GAIN * f.abs().max(1.0) {
            stalled += 1;
            if stalled >= 3 {
                x = xn;
                f = fnew;
                g = gnew;
                break;
            }
        } else {
            stalled = 0;
        }
        let mut s = [0.0; N];
        let mut y = [0.0; N];
        for i in 0..N {
            s[i] = xn[i] - x[i];
            y[i] = gnew[i] - g[i];
        }
        let sy = dot(&s, &y);
        if sy > 1e-300 {
            if iterations == 1 && h0.is_none() {
                // Scale the first inverse-Hessian guess (Nocedal & Wright 6.20).
                let gamma = sy / dot(&y, &y);
                h = identity();
                for (i, row) in h.iter_mut().enumerate() {
                    row[i] = gamma;
                }
            }
            bfgs_update(&mut h, &s, &y, sy);
        }
        x = xn;
        f = fnew;
        g = gnew;
    }
    let grad_max = max_abs(&g);
    Outcome {
        x,
        f,
        grad_max,
        iterations,
        converged: f.is_finite() && grad_max <= tolerance && max_abs(&x) <= limit,
        inverse_hessian: h,
    }
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / sᵀy.
fn bfgs_update<const N: usize>(h: &mut [[f64; N]; N], s: &[f64; N], y: &[f64; N], sy: f64) {
    let rho = 1.0 / sy;
    let mut hy = [0.0; N];
    for i in 0..N {
        hy[i] = dot(&h[i], y);
    }
    let yhy = dot(y, &hy);
    for i in 0..N {
        for j in 0..N {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let fg = |v: &[f64; 2]| {
            let (a, b) = (v[0], v[1]);
            let f = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
            let g = [
                -2.0 * (1.0 - a) - 400.0 * a * (b - a * a),
                200.0 * (b - a * a),
            ];
            (f, g)
        };
        let out = minimise(fg, [-1.2, 1.0], None, 1e-10, 500, 1e3);
        assert!(out.converged, "{out:?}");
        assert!((out.x[0] - 1.0).abs() < 1e-8 && (out.x[1] - 1.0).abs() < 1e-8);
    }

    #[test]
    fn stops_when_the_minimum_is_at_infinity() {
        // e^(−v) decreases for ever.
        let fg = |v: &[f64; 1]| ((-v[0]).exp(), [-(-v[0]).exp()]);
        let out = minimise(fg, [0.0], None, 1e-300, 10_000, 25.0);
        assert!(
            !out.converged && out.x[0] > 25.0 && out.iterations < 100,
            "{out:?}"
        );
    }

    #[test]
    fn reports_no_convergence_when_out_of_iterations() {
        let fg = |v: &[f64; 1]| (v[0].exp() - v[0], [v[0].exp() - 1.0]);
        let out = minimise(fg, [5.0], None, 1e-12, 1, 1e3);
        assert!(!out.converged);
        assert_eq!(out.iterations, 1);
    }
}
