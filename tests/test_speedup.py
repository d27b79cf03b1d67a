"""``python -m vectorized speedup``: table, CSV, plot and machine, on a tiny sweep."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from backprop_cli import speedup
from backprop_cli.vectorized_cli import main
from tests.streams import one_line


def test_sweep_writes_table_csv_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["speedup", "--networks", "2-2-2,4-3-2", "--batches", "1,3", "--budget", "0.001"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("machine: cpus ") and "numpy" in out and "blas threads" in out
    with (tmp_path / "speedup.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["network"], r["batch"]) for r in rows] == [
        ("2-2-2", "1"),
        ("2-2-2", "3"),
        ("4-3-2", "1"),
        ("4-3-2", "3"),
    ]
    assert rows[2]["work_per_sample"] == str(3 * (4 * 3 + 3 * 2))
    for r in rows:
        assert float(r["speedup_over_fast_loop"]) == pytest.approx(
            float(r["fast_loop_s"]) / float(r["vectorized_s"])
        )
        assert float(r["over_fewest_calls"]) == pytest.approx(
            float(r["vectorized_s"]) / float(r["fewest_calls_s"])
        )
    assert (tmp_path / "speedup.md").read_text(encoding="utf-8").count("\n| ") == 2 + 4
    assert (tmp_path / "speedup.png").read_bytes()[:4] == b"\x89PNG"


def _fake_clock(monkeypatch: pytest.MonkeyPatch, per_sample: float) -> list[int]:
    """median_time runs the function once and reports ``per_sample`` seconds for each
    sample of the step's batch (every way of stepping is timed on a fake clock)."""
    sizes: list[int] = []

    def fake(fn: object, budget: float) -> float:
        fn()  # type: ignore[operator]
        return per_sample * (sizes[-1] if sizes else 1)

    monkeypatch.setattr(speedup, "median_time", fake)
    return sizes


def test_loops_too_slow_for_the_budget_are_timed_on_fewer_samples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes = _fake_clock(monkeypatch, per_sample=0.002)
    calls: list[int] = []

    def step(X: list[int], Y: list[int]) -> None:
        calls.append(len(X))
        sizes.append(len(X))

    seconds, n = speedup._loop_time(step, list(range(50)), list(range(50)), budget=0.033)
    # one sample takes 0.002 s, so a third of the budget holds int(0.011 / 0.002) = 5 samples
    assert n == 5 and calls == [1, 5]
    assert seconds == pytest.approx(0.002 * 50)  # 5 samples' time scaled to the batch


def test_the_sweep_records_how_many_samples_each_loop_was_timed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_clock(monkeypatch, per_sample=1e-4)  # every step "takes" 0.1 ms
    argv = ["speedup", "--networks", "2-2-2", "--batches", "1,3", "--budget", "0.00075"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    with (tmp_path / "speedup.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # a third of the budget, 0.25 ms, holds int(0.00025 / 0.0001) = 2 samples: batch 1 is
    # timed whole, batch 3 on 2 samples
    assert [(r["batch"], r["loop_samples"]) for r in rows] == [("1", "1"), ("3", "2")]


def test_sweep_refuses_an_unwritable_folder_before_timing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    assert (
        main(["speedup", "--networks", "8-8-2", "--batches", "1", "--out", str(tmp_path / "file")])
        == 2
    )
    out = capsys.readouterr()
    assert (
        one_line(out.err)
        == f"error: --out: {str(tmp_path / 'file')!r} is a file; expected a folder\n"
    )
    assert out.out == ""


def test_median_time_runs_at_least_three_times() -> None:
    calls = []
    assert speedup.median_time(lambda: calls.append(1), budget=0.0) >= 0.0
    assert len(calls) == 3
