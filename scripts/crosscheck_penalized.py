#!/usr/bin/env python3
"""Independent optimum of the penalised BG/NBD fit on examples/nordlys.

The objective is the lifetimes package's own (`BetaGeoFitter._negative_log_likelihood`
with penalizer_coef=0.001, time scaled so the longest T is 10, as lifetimes
does), minimised to tight tolerance with Nelder-Mead from lifetimes' start.
tests/value_models.rs compares mixaudit's `--param clv_penalizer=0.001` fit
with the figures printed here. Needs: pip install lifetimes openpyxl pandas.
"""
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter
from scipy.optimize import minimize

warnings.filterwarnings("ignore")
c = pd.read_excel("examples/nordlys/customers.xlsx")
c = c[c.orders >= 1]
as_of = pd.Timestamp("2026-06-30")
fp, lp = pd.to_datetime(c.first_purchase), pd.to_datetime(c.last_purchase)
x = (c.orders - 1).values
tx = np.where(x > 0, (lp - fp).dt.days, 0).astype(float)
T = (as_of - fp).dt.days.values.astype(float)
s = 10.0 / T.max()
nll = BetaGeoFitter._negative_log_likelihood
fitted = BetaGeoFitter(penalizer_coef=0.001).fit(x, tx, T)
start = np.log(fitted.params_[["r", "alpha", "a", "b"]].values * [1, s, 1, 1])
res = minimize(lambda q: nll(q, x, tx * s, T * s, np.ones(len(x)), 0.001), start,
               method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000})
r, alpha, a, b = np.exp(res.x) / [1, s, 1, 1]
print(f"lifetimes' own fit: {fitted.params_.to_dict()}")
print(f"tight optimum (days): r={r:.8f} alpha={alpha:.8f} a={a:.8f} b={b:.8f} objective={res.fun:.12f}")
