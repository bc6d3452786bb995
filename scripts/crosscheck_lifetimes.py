#!/usr/bin/env python3
"""Cross-check mixaudit's purchase counts against the `lifetimes` package on
the CDNOW transaction data that package ships (see scripts/README.md).

Steps: install `lifetimes` if it is missing (falling back to its fork `btyd`),
load the CDNOW transactions, write a client folder (customers.csv with only
customer_id, orders.csv with customer_id,date,amount, a one-row spend.csv), run
`mixaudit audit --as-of <last transaction date>`, read audit.json, and compare
its figures with the package's `summary_data_from_transaction_data` (and, for
the raw-row run, with plain pandas counts). Prints a table; exits 1 on any
mismatch, 2 when it cannot run.

    cargo build --release
    python3 scripts/crosscheck_lifetimes.py [--dataset master|sample] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARAMS = {"active_days": 365, "period_days": 90}  # mixaudit's defaults, passed explicitly


def die(msg: str) -> None:
    print(f"crosscheck: {msg}", file=sys.stderr)
    sys.exit(2)


def import_package():
    """`lifetimes`, installed with pip when missing; `btyd` (its maintained fork) if that fails."""
    for name in ("lifetimes", "btyd"):
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    for name in ("lifetimes", "btyd"):
        print(f"crosscheck: installing {name} with pip …", file=sys.stderr)
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", name])
        if r.returncode == 0:
            try:
                importlib.invalidate_caches()
                return importlib.import_module(name)
            except ImportError as e:
                print(f"crosscheck: {name} installed but does not import: {e}", file=sys.stderr)
    die("neither lifetimes nor btyd could be installed (pip install lifetimes)")


def read_dataset(pkg, filename: str, **kwargs):
    """A data file the package ships, read with the package's own
    `datasets.load_dataset`; if that loader does not work (it imports
    pkg_resources, which recent setuptools deprecates), the same file is read
    from the package folder. Returns the frame and where it came from."""
    import pandas as pd

    root = Path(pkg.__file__).parent
    found = [p for p in [root / "datasets" / filename, *root.rglob(filename)] if p.is_file()]
    try:
        loader = importlib.import_module(f"{pkg.__name__}.datasets").load_dataset
        return loader(filename, **kwargs), f"{pkg.__name__}.datasets.load_dataset('{filename}')"
    except Exception as e:  # noqa: BLE001 - any failure of the loader falls back to the file
        if not found:
            die(f"{pkg.__name__} {getattr(pkg, '__version__', '?')} ships no {filename} under {root} ({e})")
        return pd.read_csv(found[0], **kwargs), str(found[0])


def load_transactions(pkg, which: str):
    import pandas as pd

    if which == "master":
        # CDNOW_master.txt: header "customer_id date number_of_cds dollar_value",
        # 69,659 purchases by 23,570 customers, 1997-01-01 … 1998-06-30.
        df, source = read_dataset(pkg, "CDNOW_master.txt", sep=r"\s+")
    else:
        # CDNOW_sample.txt: no header; original id, sample id, date, cds, dollars.
        df, source = read_dataset(
            pkg,
            "CDNOW_sample.txt",
            sep=r"\s+",
            header=None,
            names=["original_id", "customer_id", "date", "number_of_cds", "dollar_value"],
        )
    df = df[["customer_id", "date", "dollar_value"]].copy()
    df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d")
    df["customer_id"] = df["customer_id"].astype(int).astype(str)
    return df, source


def write_client(folder: Path, orders) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ids = sorted(orders["customer_id"].unique(), key=int)
    (folder / "customers.csv").write_text("customer_id\n" + "".join(f"{i}\n" for i in ids))
    lines = ["customer_id,date,amount\n"]
    for cid, day, amount in orders[["customer_id", "date", "dollar_value"]].itertuples(index=False):
        lines.append(f"{cid},{day:%Y-%m-%d},{amount:.2f}\n")
    (folder / "orders.csv").write_text("".join(lines))
    (folder / "spend.csv").write_text(
        "touchpoint,p,spend,objective\nCatalogue mailing,promotion,1000,retention\n"
    )


def run_mixaudit(binary: str, folder: Path, as_of: str) -> dict:
    out = folder / "out"
    cmd = [binary, "audit", str(folder), "--out", str(out), "--as-of", as_of]
    for k, v in PARAMS.items():
        cmd += ["--param", f"{k}={v}"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        die(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr}")
    return json.loads((out / "audit.json").read_text())


def retention_by_spec(orders, as_of, w: int):
    """§4 retention_rate from the transactions: of buyers with an order in
    [as_of−2W, as_of−W), the share with one in [as_of−W, as_of]."""
    import pandas as pd

    d = orders["date"]
    prev = set(orders.loc[(d >= as_of - pd.Timedelta(days=2 * w)) & (d < as_of - pd.Timedelta(days=w)), "customer_id"])
    cur = set(orders.loc[(d >= as_of - pd.Timedelta(days=w)) & (d <= as_of), "customer_id"])
    return (len(prev & cur) / len(prev) if prev else None), len(prev)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", choices=["master", "sample"], default="master",
                    help="CDNOW_master.txt (all 23,570 customers, default) or CDNOW_sample.txt (2,357)")
    ap.add_argument("--mixaudit", default=os.environ.get("MIXAUDIT", str(REPO / "target/release/mixaudit")),
                    help="the binary (default: $MIXAUDIT, else target/release/mixaudit)")
    ap.add_argument("--keep", metavar="DIR", help="write the client folders here and keep them")
    args = ap.parse_args()
    if not Path(args.mixaudit).is_file():
        die(f"{args.mixaudit} does not exist: run `cargo build --release` or set MIXAUDIT")

    pkg = import_package()
    utils = importlib.import_module(f"{pkg.__name__}.utils")
    import pandas as pd

    tx, source = load_transactions(pkg, args.dataset)
    as_of = tx["date"].max()
    as_of_text = f"{as_of:%Y-%m-%d}"
    print(f"{pkg.__name__} {getattr(pkg, '__version__', '?')}: {source}, {len(tx):,} transactions, "
          f"{tx['customer_id'].nunique():,} customers, {tx['date'].min():%Y-%m-%d} … {as_of_text}")

    # The package's own per-customer summary. frequency = number of *days*
    # with a purchase after the first one; recency = days first → last
    # purchase; T = days first purchase → observation end.
    summary = utils.summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="dollar_value",
        observation_period_end=as_of, freq="D",
    )
    since_last = summary["T"] - summary["recency"]

    # mixaudit counts orders (rows). To compare with the package exactly, run 1
    # gives it one order per customer per purchase day (amounts summed);
    # run 2 gives it the raw rows and is compared with plain pandas counts.
    per_day = tx.groupby(["customer_id", "date"], as_index=False)["dollar_value"].sum()
    per_customer_rows = tx.groupby("customer_id").size()

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mixaudit-cdnow-"))
    write_client(base / "per-day", per_day)
    write_client(base / "raw", tx)
    try:
        a = run_mixaudit(args.mixaudit, base / "per-day", as_of_text)
        b = run_mixaudit(args.mixaudit, base / "raw", as_of_text)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    ma, mb = a["metrics"], b["metrics"]
    ret, ret_base = retention_by_spec(per_day, as_of, PARAMS["period_days"])

    rows = [
        # (run, metric, mixaudit, reference, source)
        ("per-day", "customers", ma["customers"], len(summary), "lifetimes: summary rows"),
        ("per-day", "buyers", ma["buyers"], len(summary), "lifetimes: summary rows"),
        ("per-day", "repeat_buyers", ma["repeat_buyers"], int((summary["frequency"] > 0).sum()), "lifetimes: frequency > 0"),
        ("per-day", "repeat_purchases", ma["repeat_purchases"], int(summary["frequency"].sum()), "lifetimes: Σ frequency"),
        ("per-day", "active_customers", ma["active_customers"],
         int((since_last <= PARAMS["active_days"]).sum()), f"lifetimes: T − recency ≤ {PARAMS['active_days']}"),
        ("per-day", "new_customers", ma["new_customers"],
         int((summary["T"] <= PARAMS["period_days"]).sum()), f"lifetimes: T ≤ {PARAMS['period_days']}"),
        ("per-day", "retention_base", ma["retention_base"], ret_base, "pandas: §4 window"),
        ("per-day", "retention_rate", ma["retention_rate"], ret, "pandas: §4 windows"),
        ("per-day", "revenue_total", ma["revenue_total"], float(tx["dollar_value"].sum()), "pandas: Σ dollar_value"),
        ("raw", "buyers", mb["buyers"], int(per_customer_rows.size), "pandas: distinct ids"),
        ("raw", "repeat_buyers", mb["repeat_buyers"], int((per_customer_rows >= 2).sum()), "pandas: ≥ 2 rows"),
        ("raw", "repeat_purchases", mb["repeat_purchases"], int((per_customer_rows - 1).sum()), "pandas: Σ (rows − 1)"),
        ("raw", "revenue_total", mb["revenue_total"], float(tx["dollar_value"].sum()), "pandas: Σ dollar_value"),
    ]

    def same(x, y) -> bool:
        if x is None or y is None:
            return x is None and y is None
        return abs(float(x) - float(y)) <= 1e-6 * max(1.0, abs(float(y)))

    def fmt(v) -> str:
        if v is None:
            return "null"
        if isinstance(v, float) and not v.is_integer():
            return f"{v:,.4f}"
        return f"{int(v):,}"

    kept = f"; client folders kept in {base}" if args.keep else ""
    print(f"as_of {as_of_text}{kept}\n")
    head = ("run", "metric", "mixaudit", "reference", "reference source", "")
    table = [head] + [(r, m, fmt(x), fmt(y), src, "ok" if same(x, y) else "MISMATCH") for r, m, x, y, src in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for k, row in enumerate(table):
        print("  ".join(c.rjust(w) if i in (2, 3) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    bad = [r for r in rows if not same(r[2], r[3])]
    same_day = int(len(tx) - len(per_day))
    print(f"\n{same_day:,} transactions share a customer and a day with another; "
          f"that is why raw repeat purchases ({mb['repeat_purchases']:,}) exceed the package's "
          f"repeat purchase days ({int(summary['frequency'].sum()):,}).")
    if bad:
        print(f"\n{len(bad)} mismatch(es)", file=sys.stderr)
        return 1
    print("\nall figures agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
