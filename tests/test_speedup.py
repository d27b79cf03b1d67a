"""``python -m vectorized speedup``: table, CSV, plot and machine, on a tiny sweep."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from backprop_cli import speedup
from backprop_cli.vectorized_cli import main


def test_sweep_writes_table_csv_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "speedup",
                "--widths",
                "4,8",
                "--batches",
                "1,3",
                "--budget",
                "0.001",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("machine: cpus ") and "numpy" in out and "blas" in out
    with (tmp_path / "speedup.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["network"], r["batch"]) for r in rows] == [
        ("4-4-10", "1"),
        ("4-4-10", "3"),
        ("8-8-10", "1"),
        ("8-8-10", "3"),
    ]
    assert rows[0]["parameters"] == str(4 * 4 + 4 + 10 * 4 + 10)
    for r in rows:
        assert float(r["speedup"]) == pytest.approx(
            float(r["reference_s"]) / float(r["vectorized_s"])
        )
    assert (tmp_path / "speedup.md").read_text(encoding="utf-8").count(
        "\n| "
    ) == 2 + 4  # header, rule, rows
    assert (tmp_path / "speedup.png").read_bytes()[:4] == b"\x89PNG"


def test_sweep_refuses_an_unwritable_folder_before_timing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    assert (
        main(["speedup", "--widths", "8", "--batches", "1", "--out", str(tmp_path / "file")]) == 2
    )
    out = capsys.readouterr()
    assert out.err == f"error: --out: {str(tmp_path / 'file')!r} is a file; expected a folder\n"
    assert out.out == ""


def test_median_time_runs_at_least_three_times() -> None:
    calls = []
    assert speedup.median_time(lambda: calls.append(1), budget=0.0) >= 0.0
    assert len(calls) == 3
