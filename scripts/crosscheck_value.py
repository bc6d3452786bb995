#!/usr/bin/env python3
"""Cross-check mixaudit's customer-value models (src/analytics/value) against
the `lifetimes` package on the CDNOW data it ships (see scripts/README.md).

1. CDNOW_sample (2,357 customers), calibration period 1997-01-01 … 1997-09-30
   (39 weeks), same-day orders merged: lifetimes' summary (freq 'D'; also the
   weekly summaries), BetaGeoFitter in days and in weeks, GammaGammaFitter on
   the repeat buyers. Writes the fixture that tests/value_models.rs reads:
   tests/fixtures/value/cdnow_sample.csv (per customer x, t_x, T in days, mean
   repeat value, lifetimes' P(alive), expected purchases over 273 days, CLV
   over 12 months at 1 % a month) and cdnow_sample.json (fitted parameters,
   log-likelihoods, package versions, published figures).
2. The holdout test of Fader, Hardie & Lee (2005): predicted vs actual repeat
   purchases in weeks 40–78, in total and by calibration frequency.
3. CDNOW_master: cohort table and RFM scores/segments computed here in pandas
   and by the Rust example `value_crosscheck`; any difference exits 1.
4. With --time-1m: the 1M-customer synthetic data of examples/value_bench.rs,
   timed in Rust (release) and in lifetimes.

    python3 scripts/crosscheck_value.py [--no-fixture] [--skip-master] [--time-1m]

Exit codes: 0 all agree, 1 a mismatch, 2 cannot run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "value"
CAL_END = "1997-09-30"
HOLDOUT_END = "1998-06-30"
HORIZON_DAYS = 273  # 39 weeks
CLV_MONTHS, DISCOUNT = 12, 0.01
PUBLISHED = {  # Fader, Hardie & Lee (2005); Fader & Hardie's Gamma-Gamma note
    "weeks": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4},
    "gamma_gamma": {"p": 6.25, "q": 3.74, "gamma": 15.44, "customers": 946},
}
# lifetimes 0.11.3 (2019) has been run here with these pins (numpy 1.26.4,
# pandas 2.1.4, scipy 1.12.0); newer numpy/pandas are untested with it.
PINS = ["lifetimes==0.11.3", "numpy<2", "pandas<2.2", "scipy<1.13"]


def die(msg: str) -> None:
    print(f"crosscheck_value: {msg}", file=sys.stderr)
    sys.exit(2)


def import_lifetimes():
    """lifetimes; when missing, installed with pip together with the pins
    above (an existing installation is used as it is, with a warning if its
    numpy is newer than the tested one)."""
    try:
        mod = importlib.import_module("lifetimes")
    except ImportError:
        print(f"crosscheck_value: pip install {' '.join(PINS)} …", file=sys.stderr)
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *PINS])
        if r.returncode != 0:
            die("pip install failed (lifetimes' maintained fork `btyd` is an alternative, untried here)")
        importlib.invalidate_caches()
        try:
            mod = importlib.import_module("lifetimes")
        except ImportError as e:
            die(f"lifetimes installed but does not import: {e}")
    import numpy

    if int(numpy.__version__.split(".")[0]) >= 2:
        print(f"crosscheck_value: warning: numpy {numpy.__version__} is untested with lifetimes "
              f"{mod.__version__}; `pip install {' '.join(PINS[1:])}` is the tested set", file=sys.stderr)
    return mod


def load(pkg, which: str):
    import pandas as pd

    root = Path(pkg.__file__).parent / "datasets"
    if which == "master":
        df = pd.read_csv(root / "CDNOW_master.txt", sep=r"\s+")
    else:
        df = pd.read_csv(root / "CDNOW_sample.txt", sep=r"\s+", header=None,
                         names=["original_id", "customer_id", "date", "number_of_cds", "dollar_value"])
    df = df[["customer_id", "date", "dollar_value"]].copy()
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d")
    df["customer_id"] = df["customer_id"].astype(int).astype(str)
    return df


def bgnbd_ll(params, x, tx, T):
    """The BG/NBD log-likelihood (FHL 2005 eq. 6), written out independently."""
    import numpy as np
    from scipy.special import gammaln

    r, alpha, a, b = params
    x = np.asarray(x, float)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return float((a1 + a2 + np.logaddexp(a3, a4)).sum())


def gg_ll(p, q, g, x, m):
    import numpy as np
    from scipy.special import gammaln

    x, m = np.asarray(x, float), np.asarray(m, float)
    return float((gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(g) + p * x * np.log(x)
                  + (p * x - 1) * np.log(m) - (p * x + q) * np.log(g + x * m)).sum())


def sample_models(pkg, write_fixture: bool):
    import numpy as np
    import pandas as pd
    import scipy
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

    tx = load(pkg, "sample")
    cal = tx[tx["date"] <= CAL_END]
    # freq 'D': x = repeat purchase days, recency/T in days (same-day merged).
    s = summary_data_from_transaction_data(cal, "customer_id", "date", monetary_value_col="dollar_value",
                                           observation_period_end=CAL_END, freq="D")
    s = s.loc[sorted(s.index, key=int)]
    x, tx_d, T_d, m = s["frequency"], s["recency"], s["T"], s["monetary_value"]

    t0 = time.perf_counter()
    bg_d = BetaGeoFitter().fit(x, tx_d, T_d)
    bg_w = BetaGeoFitter().fit(x, tx_d / 7, T_d / 7)  # = freq 'D' with freq_multiplier=7
    rep = s[s["frequency"] > 0]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    fit_s = time.perf_counter() - t0
    # The integer-week summary (freq 'W') is a different data set (x = weeks
    # with a purchase): fitted for information only.
    s_w = summary_data_from_transaction_data(cal, "customer_id", "date", observation_period_end=CAL_END, freq="W")
    bg_ww = BetaGeoFitter().fit(s_w["frequency"], s_w["recency"], s_w["T"])

    p_alive = bg_d.conditional_probability_alive(x, tx_d, T_d)
    e273 = bg_d.conditional_expected_number_of_purchases_up_to_time(HORIZON_DAYS, x, tx_d, T_d)
    clv = gg.customer_lifetime_value(bg_d, x, tx_d, T_d, m, time=CLV_MONTHS, discount_rate=DISCOUNT, freq="D")

    ch = calibration_and_holdout_data(tx, "customer_id", "date", calibration_period_end=CAL_END,
                                      observation_period_end=HOLDOUT_END, freq="D")
    ch = ch.loc[s.index]
    assert (ch["frequency_cal"] == x).all() and (ch["T_cal"] == T_d).all()

    def params(f, names):
        return {k: float(f.params_[k]) for k in names}

    meta = {
        "lifetimes": pkg.__version__, "numpy": np.__version__, "pandas": pd.__version__, "scipy": scipy.__version__,
        "calibration_end": CAL_END, "holdout_end": HOLDOUT_END, "customers": int(len(s)),
        "days": {**params(bg_d, "r alpha a b".split()),
                 "log_likelihood": bgnbd_ll(bg_d.params_.values, x, tx_d, T_d)},
        "weeks": {**params(bg_w, "r alpha a b".split()),
                  "log_likelihood": bgnbd_ll(bg_w.params_.values, x, tx_d / 7, T_d / 7)},
        "weeks_integer_periods": params(bg_ww, "r alpha a b".split()),
        "gamma_gamma": {**params(gg, "p q v".split()), "customers": int(len(rep)),
                        "log_likelihood": gg_ll(*gg.params_.values, rep["frequency"], rep["monetary_value"])},
        "published": PUBLISHED,
        "lifetimes_fit_seconds": fit_s,
    }
    meta["gamma_gamma"]["gamma"] = meta["gamma_gamma"].pop("v")
    out = pd.DataFrame({
        "customer_id": s.index, "x": x.astype(int).values, "t_x": tx_d.values, "T": T_d.values,
        "monetary": m.values, "p_alive": p_alive, "expected_273": e273.values, "clv_12": clv.values,
        "x_holdout": ch["frequency_holdout"].astype(int).values,
    })
    if write_fixture:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        out.to_csv(FIXTURES / "cdnow_sample.csv", index=False, float_format="%.17g")
        (FIXTURES / "cdnow_sample.json").write_text(json.dumps(meta, indent=2) + "\n")
        print(f"wrote {FIXTURES.relative_to(REPO)}/cdnow_sample.csv and .json")
    return meta, out


def report_models(meta, out) -> None:
    pub = PUBLISHED["weeks"]
    w, d, g = meta["weeks"], meta["days"], meta["gamma_gamma"]
    print(f"\nlifetimes {meta['lifetimes']} (numpy {meta['numpy']}, pandas {meta['pandas']}, scipy {meta['scipy']})")
    print(f"BG/NBD on {meta['customers']:,} customers   published   lifetimes (weeks)   lifetimes (days)")
    for k in ("r", "alpha", "a", "b"):
        print(f"  {k:<36}{pub[k]:>9}   {w[k]:>17.6f}   {d[k]:>16.6f}")
    print(f"  {'log-likelihood':<36}{pub['log_likelihood']:>9}   {w['log_likelihood']:>17.2f}   {d['log_likelihood']:>16.2f}")
    print(f"  integer-week summary (freq 'W'): {meta['weeks_integer_periods']}")
    gp = PUBLISHED["gamma_gamma"]
    print(f"Gamma-Gamma on {g['customers']} repeat buyers (published {gp['customers']}): "
          f"p {g['p']:.4f} ({gp['p']}), q {g['q']:.4f} ({gp['q']}), gamma {g['gamma']:.4f} ({gp['gamma']})")

    # Holdout: weeks 40-78 (273 days), by calibration frequency.
    pred, act = out["expected_273"], out["x_holdout"]
    print(f"\nHoldout, weeks 40–78: predicted {pred.sum():,.1f} vs actual {act.sum():,} repeat purchases "
          f"({100 * (pred.sum() / act.sum() - 1):+.1f} %)")
    band = out["x"].clip(upper=7)
    print("  x in calibration  customers  actual mean  predicted mean")
    for k in range(8):
        sel = band == k
        print(f"  {str(k) + ('+' if k == 7 else ''):>16}  {sel.sum():>9}  {act[sel].mean():>11.3f}  {pred[sel].mean():>14.3f}")


def rust_example(name: str, args: list[str]) -> str:
    env = dict(os.environ)
    r = subprocess.run(["cargo", "run", "--quiet", "--release", "--example", name, "--", *args],
                       cwd=REPO, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        die(f"cargo run --example {name} failed:\n{r.stderr}")
    return r.stdout


def pandas_cohorts(per_day):
    import pandas as pd

    month = per_day["date"].dt.year * 12 + per_day["date"].dt.month - 1
    df = pd.DataFrame({"c": per_day["customer_id"], "m": month}).drop_duplicates()
    first = df.groupby("c")["m"].transform("min")
    df["k"] = df["m"] - first
    df["cohort"] = first
    last = int(df["m"].max())
    rows = []
    for cohort, g in df.groupby("cohort"):
        counts = g.groupby("k")["c"].nunique()
        retained = [int(counts.get(k, 0)) for k in range(last - int(cohort) + 1)]
        rows.append({"cohort": f"{int(cohort) // 12:04d}-{int(cohort) % 12 + 1:02d}", "size": retained[0],
                     "retained": retained})
    return rows


def pandas_rfm(per_day, rules, other):
    import numpy as np
    import pandas as pd

    as_of = per_day["date"].max()
    g = per_day.groupby("customer_id").agg(last=("date", "max"), f=("date", "size"), m=("dollar_value", "sum"))
    g["recency"] = (as_of - g["last"]).dt.days
    n = len(g)

    def score(values):
        order = sorted(g.index, key=lambda cid: (values[cid], cid))
        return pd.Series({cid: 1 + 5 * k // n for k, cid in enumerate(order)})

    g["R"] = score(-g["recency"].astype(float))
    g["F"] = score(g["f"].astype(float))
    g["M"] = score(g["m"])
    seg = np.full(n, other, dtype=object)
    done = np.zeros(n, bool)
    for rule in rules:
        hit = ~done
        for col, key in (("R", "r"), ("F", "f"), ("M", "m")):
            lo, hi = rule[key]
            hit &= (g[col] >= lo).values & (g[col] <= hi).values
        seg[hit] = rule["name"]
        done |= hit
    g["segment"] = seg
    totals = g.groupby("segment").agg(customers=("m", "size"), revenue=("m", "sum"))
    return g, totals


def master_checks(pkg) -> int:
    tx = load(pkg, "master")
    per_day = tx.groupby(["customer_id", "date"], as_index=False)["dollar_value"].sum()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        per_day.assign(date=per_day["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
        rust = json.loads(rust_example("value_crosscheck", [str(path)]))
    bad = 0
    mine = pandas_cohorts(per_day)
    theirs = [{k: r[k] for k in ("cohort", "size", "retained")} for r in rust["cohorts"]["rows"]]
    same = mine == theirs
    bad += not same
    print(f"\nCDNOW_master ({len(per_day):,} purchase days, {per_day['customer_id'].nunique():,} customers): "
          f"cohort table {len(mine)} cohorts × up to {max(len(r['retained']) for r in mine)} months: "
          f"{'identical' if same else 'MISMATCH'}")
    for r in mine[:3]:
        print(f"  {r['cohort']}  size {r['size']:>5}  retained {r['retained'][:6]} …")
    g, totals = pandas_rfm(per_day, rust["rfm_table"]["rules"], rust["rfm_table"]["other"])
    scores = rust["rfm"]["scores"]
    diff = sum(1 for cid, row in g.iterrows() if scores[cid] != [int(row["R"]), int(row["F"]), int(row["M"])])
    print(f"RFM scores: {diff} of {len(g):,} customers differ")
    bad += diff > 0
    print("  segment               customers (pandas / rust)   revenue (pandas / rust)")
    for t in rust["rfm"]["totals"]:
        pc = int(totals["customers"].get(t["name"], 0))
        pr = float(totals["revenue"].get(t["name"], 0.0))
        ok = pc == t["customers"] and abs(pr - t["revenue"]) <= 1e-6 * max(1.0, pr)
        bad += not ok
        print(f"  {t['name']:<20}  {pc:>9} / {t['customers']:<9}  {pr:>14,.2f} / {t['revenue']:<14,.2f} {'' if ok else 'MISMATCH'}")
    return bad


def time_1m() -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.csv"
        print("\n" + rust_example("value_bench", ["--csv", str(path)]).strip())
        d = pd.read_csv(path)
    t0 = time.perf_counter()
    grouped = d.groupby(["x", "t_x", "T"]).size().rename("w").reset_index()
    bg = BetaGeoFitter().fit(grouped["x"], grouped["t_x"], grouped["T"], weights=grouped["w"])
    t1 = time.perf_counter()
    rep = d[d["x"] > 0]
    gg = GammaGammaFitter().fit(rep["x"], rep["monetary"])
    t2 = time.perf_counter()
    gg.customer_lifetime_value(bg, d["x"], d["t_x"], d["T"], d["monetary"], time=CLV_MONTHS,
                               discount_rate=DISCOUNT, freq="D")
    t3 = time.perf_counter()
    print(f"lifetimes on the same {len(d):,} customers: BG/NBD fit {t1 - t0:.2f} s (grouped to {len(grouped):,} rows), "
          f"Gamma-Gamma fit {t2 - t1:.2f} s, CLV {t3 - t2:.2f} s, total {t3 - t0:.2f} s; "
          f"r {bg.params_['r']:.4f} alpha {bg.params_['alpha']:.4f} a {bg.params_['a']:.4f} b {bg.params_['b']:.4f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-fixture", action="store_true", help="do not rewrite tests/fixtures/value")
    ap.add_argument("--skip-master", action="store_true", help="skip the CDNOW_master cohort/RFM comparison")
    ap.add_argument("--time-1m", action="store_true", help="time Rust and lifetimes on 1M synthetic customers")
    args = ap.parse_args()
    pkg = import_lifetimes()
    meta, out = sample_models(pkg, not args.no_fixture)
    report_models(meta, out)
    bad = 0 if args.skip_master else master_checks(pkg)
    if args.time_1m:
        time_1m()
    if bad:
        print(f"\n{bad} mismatch(es)", file=sys.stderr)
        return 1
    print("\nall comparisons agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
