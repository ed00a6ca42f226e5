"""TPC-H queries 1–7 written in Dask DataFrame's API, run through ferrox,
dask or pandas (``--kind q1`` … ``q7``) on scale factor ``--scale``.

Data comes from the ``tpchgen-cli`` package (PyPI), written once into
``benchmarks/data/tpch_sf<scale>/`` as Parquet (decimals as float64, dates
as timestamps, row groups of 500,000 rows) and as CSV. pandas' answer to
each query is computed once and kept beside the data; every engine's
answer is checked against it (values to ``rtol=1e-6``, column order, row
order) before its time is reported.

The query code is the same for the three engines: ``read`` gives lazy
frames for ferrox and dask and pandas frames for pandas, and ``done``
computes where there is something to compute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _common import fail, parse, report, timed, version_of

TABLES = ["lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region"]


def make_data(scale: float) -> Path:
    """Generate the tables with tpchgen-cli and normalize their types."""
    root = Path(__file__).resolve().parent / "data" / f"tpch_sf{scale:g}"
    done = root / ".complete"
    if done.exists():
        return root
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "tpchgen_cli"] if _has_module("tpchgen_cli") else ["tpchgen-cli"]
    subprocess.run([*cli, "parquet", "-s", f"{scale:g}", f"--output-dir={raw}"], check=True)
    for table in TABLES:
        t = pq.read_table(raw / f"{table}.parquet")
        cols = []
        for field, col in zip(t.schema, t.columns, strict=True):
            if pa.types.is_decimal(field.type):
                col = pc.cast(col, pa.float64())
            elif pa.types.is_date(field.type):
                col = pc.cast(col, pa.timestamp("us"))
            elif pa.types.is_string_view(field.type) or pa.types.is_string(field.type):
                col = pc.cast(col, pa.large_string())
            elif pa.types.is_integer(field.type):
                col = pc.cast(col, pa.int64())
            cols.append(col)
        t = pa.table(cols, names=t.column_names)
        pq.write_table(t, root / f"{table}.parquet", row_group_size=500_000)
        t.to_pandas().to_csv(root / f"{table}.csv", index=False)
    for f in raw.iterdir():
        f.unlink()
    raw.rmdir()
    done.touch()
    return root


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


# --- the queries, in Dask DataFrame's API ---------------------------------------


def q1(t: dict[str, Any]) -> Any:
    li = t["lineitem"]
    li = li[li.l_shipdate <= datetime(1998, 9, 2)]
    li = li.assign(
        disc_price=li.l_extendedprice * (1 - li.l_discount),
        charge=li.l_extendedprice * (1 - li.l_discount) * (1 + li.l_tax),
    )
    out = li.groupby(["l_returnflag", "l_linestatus"]).agg(
        sum_qty=("l_quantity", "sum"),
        sum_base_price=("l_extendedprice", "sum"),
        sum_disc_price=("disc_price", "sum"),
        sum_charge=("charge", "sum"),
        avg_qty=("l_quantity", "mean"),
        avg_price=("l_extendedprice", "mean"),
        avg_disc=("l_discount", "mean"),
        count_order=("l_orderkey", "size"),
    )
    return done(out).reset_index().sort_values(["l_returnflag", "l_linestatus"])


def q2(t: dict[str, Any]) -> Any:
    region = t["region"][t["region"].r_name == "EUROPE"]
    part = t["part"]
    part = part[(part.p_size == 15) & part.p_type.str.endswith("BRASS")]
    nation = t["nation"].merge(region, left_on="n_regionkey", right_on="r_regionkey")
    supplier = t["supplier"].merge(nation, left_on="s_nationkey", right_on="n_nationkey")
    ps = t["partsupp"].merge(supplier, left_on="ps_suppkey", right_on="s_suppkey")
    ps = ps.merge(part, left_on="ps_partkey", right_on="p_partkey")
    best = ps.groupby("ps_partkey").ps_supplycost.min().reset_index()
    best = best.rename(columns={"ps_supplycost": "min_cost"})
    ps = ps.merge(best, on="ps_partkey")
    ps = ps[ps.ps_supplycost == ps.min_cost]
    cols = ["s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone"]
    out = done(ps[[*cols, "s_comment"]])
    out = out.sort_values(
        ["s_acctbal", "n_name", "s_name", "p_partkey"], ascending=[False, True, True, True]
    )
    return out.head(100)


def q3(t: dict[str, Any]) -> Any:
    day = datetime(1995, 3, 15)
    c = t["customer"][t["customer"].c_mktsegment == "BUILDING"]
    o = t["orders"][t["orders"].o_orderdate < day]
    li = t["lineitem"][t["lineitem"].l_shipdate > day]
    j = c.merge(o, left_on="c_custkey", right_on="o_custkey")
    j = j.merge(li, left_on="o_orderkey", right_on="l_orderkey")
    j = j.assign(revenue=j.l_extendedprice * (1 - j.l_discount))
    out = j.groupby(["l_orderkey", "o_orderdate", "o_shippriority"]).revenue.sum()
    out = done(out).reset_index()
    out = out.sort_values(["revenue", "o_orderdate"], ascending=[False, True]).head(10)
    return out[["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]]


def q4(t: dict[str, Any]) -> Any:
    o = t["orders"]
    o = o[(o.o_orderdate >= datetime(1993, 7, 1)) & (o.o_orderdate < datetime(1993, 10, 1))]
    li = t["lineitem"]
    late = li[li.l_commitdate < li.l_receiptdate][["l_orderkey"]].drop_duplicates()
    j = o.merge(late, left_on="o_orderkey", right_on="l_orderkey")
    out = done(j.groupby("o_orderpriority").o_orderkey.count())
    return out.reset_index().rename(columns={"o_orderkey": "order_count"})


def q5(t: dict[str, Any]) -> Any:
    region = t["region"][t["region"].r_name == "ASIA"]
    nation = t["nation"].merge(region, left_on="n_regionkey", right_on="r_regionkey")
    o = t["orders"]
    o = o[(o.o_orderdate >= datetime(1994, 1, 1)) & (o.o_orderdate < datetime(1995, 1, 1))]
    j = t["customer"].merge(o, left_on="c_custkey", right_on="o_custkey")
    j = j.merge(t["lineitem"], left_on="o_orderkey", right_on="l_orderkey")
    j = j.merge(t["supplier"], left_on="l_suppkey", right_on="s_suppkey")
    j = j[j.c_nationkey == j.s_nationkey]
    j = j.merge(nation, left_on="s_nationkey", right_on="n_nationkey")
    j = j.assign(revenue=j.l_extendedprice * (1 - j.l_discount))
    out = done(j.groupby("n_name").revenue.sum()).reset_index()
    return out.sort_values("revenue", ascending=False)


def q6(t: dict[str, Any]) -> Any:
    li = t["lineitem"]
    li = li[
        (li.l_shipdate >= datetime(1994, 1, 1))
        & (li.l_shipdate < datetime(1995, 1, 1))
        & (li.l_discount >= 0.05)
        & (li.l_discount <= 0.07)
        & (li.l_quantity < 24)
    ]
    revenue = done((li.l_extendedprice * li.l_discount).sum())
    return pd.DataFrame({"revenue": [revenue]})


def q7(t: dict[str, Any]) -> Any:
    nation = t["nation"][t["nation"].n_name.isin(["FRANCE", "GERMANY"])]
    li = t["lineitem"]
    li = li[(li.l_shipdate >= datetime(1995, 1, 1)) & (li.l_shipdate <= datetime(1996, 12, 31))]
    supp = t["supplier"].merge(nation, left_on="s_nationkey", right_on="n_nationkey")
    supp = supp[["s_suppkey", "n_name"]].rename(columns={"n_name": "supp_nation"})
    cust = t["customer"].merge(nation, left_on="c_nationkey", right_on="n_nationkey")
    cust = cust[["c_custkey", "n_name"]].rename(columns={"n_name": "cust_nation"})
    j = li.merge(supp, left_on="l_suppkey", right_on="s_suppkey")
    j = j.merge(t["orders"], left_on="l_orderkey", right_on="o_orderkey")
    j = j.merge(cust, left_on="o_custkey", right_on="c_custkey")
    j = j[j.supp_nation != j.cust_nation]
    j = j.assign(l_year=j.l_shipdate.dt.year, volume=j.l_extendedprice * (1 - j.l_discount))
    out = done(j.groupby(["supp_nation", "cust_nation", "l_year"]).volume.sum()).reset_index()
    return out.sort_values(["supp_nation", "cust_nation", "l_year"])


QUERIES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "q1": q1,
    "q2": q2,
    "q3": q3,
    "q4": q4,
    "q5": q5,
    "q6": q6,
    "q7": q7,
}


def done(x: Any) -> Any:
    """Compute a lazy result (a no-op for pandas)."""
    return x.compute() if hasattr(x, "compute") else x


def tables(engine: str, root: Path) -> dict[str, Any]:
    """Every table as the engine's frame (lazy for ferrox and dask)."""
    if engine == "pandas":
        return {n: pd.read_parquet(root / f"{n}.parquet") for n in TABLES}
    dd = __import__(f"{engine}.dataframe", fromlist=["dataframe"])
    return {n: dd.read_parquet(str(root / f"{n}.parquet")) for n in TABLES}


def normalized(df: pd.DataFrame) -> pd.DataFrame:
    """A result with plain NumPy / object columns and a fresh index, so that
    engines that differ only in string or index types compare equal."""
    out = df.reset_index(drop=True).copy()
    for c in out.columns:
        if out[c].dtype.kind in "OUT" or str(out[c].dtype) in ("str", "string"):
            out[c] = out[c].astype(object)
        elif out[c].dtype.kind in "iub":
            out[c] = out[c].astype(np.int64)
        elif out[c].dtype.kind == "f":
            out[c] = out[c].astype(np.float64)
    return out


def main() -> None:
    opts = parse(["ferrox", "dask", "pandas"], kind=list(QUERIES))
    root = make_data(opts.scale)
    query = QUERIES[opts.kind]
    reference = root / f"answer_{opts.kind}.pkl"
    if not reference.exists():
        query(tables("pandas", root)).to_pickle(reference)
    expected = pd.read_pickle(reference)

    def run() -> Any:
        return query(tables(opts.engine, root))

    result, seconds = timed(run)
    got, want = normalized(result), normalized(expected)
    try:
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-6)
    except AssertionError as err:
        fail(f"{opts.kind} differs from pandas: {err}\n{got.head()}\n{want.head()}")
    report(opts.engine, version_of(opts.engine), seconds, rows=len(result))


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", str(os.cpu_count()))
    main()
