"""``read_json(lines=True)`` against ``pandas.read_json`` on the same files
(each file read by pandas, concatenated)."""

from __future__ import annotations

import json

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal


def _records(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        out.append(
            {
                "id": int(i),
                "count": None if i % 4 == 1 else int(rng.integers(0, 100)),
                "score": float(rng.normal()) if i % 5 else None,
                "label": rng.choice(["x", "yy", "é"]) if i % 3 else None,
                "ok": bool(rng.random() < 0.5),
            }
        )
    return out


@pytest.fixture
def json_files(tmp_path) -> list[str]:
    paths = []
    for i, n in enumerate((12, 2, 7)):
        path = str(tmp_path / f"data_{i}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for rec in _records(n, seed=i):
                f.write(json.dumps(rec) + "\n")
        paths.append(path)
    return paths


def _pandas_json(paths: list[str]) -> pd.DataFrame:
    return pd.concat([pd.read_json(p, lines=True) for p in paths], ignore_index=True)


def test_read_json_lines(json_files, tmp_path):
    expected = _pandas_json(json_files)
    ddf = dd.read_json(str(tmp_path / "data_*.jsonl"), lines=True)
    assert ddf.npartitions == 3
    assert_series_equal(ddf.dtypes, expected.dtypes)
    assert_frame_equal(ddf.compute(), expected)
    assert len(ddf) == len(expected)


def test_read_json_projection_head_groupby(json_files):
    expected = _pandas_json(json_files)
    ddf = dd.read_json(json_files, lines=True)
    assert_frame_equal(ddf[["label", "id"]].compute(), expected[["label", "id"]])
    assert_frame_equal(ddf.head(4), expected.head(4))
    assert_series_equal(
        ddf.groupby("label")["score"].mean().compute(), expected.groupby("label")["score"].mean()
    )


def test_read_json_needs_lines(json_files):
    with pytest.raises(NotImplementedError, match="JSON Lines"):
        dd.read_json(json_files, lines=False)
    with pytest.raises(NotImplementedError, match="JSON Lines"):
        dd.read_json(json_files, orient="split")


def test_read_json_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent"):
        dd.read_json(str(tmp_path / "absent.jsonl"), lines=True)


def test_read_json_malformed(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": 1}\n{"a": \n')
    with pytest.raises(ValueError):
        pd.read_json(path, lines=True)
    with pytest.raises(ValueError, match="bad.jsonl"):
        dd.read_json(str(path), lines=True).compute()
