"""The speedup summary's arithmetic, on made-up medians."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from benchmarks.summary import format_rows, speedup_rows


@dataclass
class _Stats:
    median: float
    iqr: float = 0.0


@dataclass
class _Bench:
    impl: str
    op: str
    median: float
    config: str = "c"
    has_error: bool = False
    extra_info: dict[str, Any] = field(init=False)
    stats: _Stats = field(init=False)

    spread: float = 0.0

    def __post_init__(self) -> None:
        self.extra_info = {"config": self.config, "impl": self.impl, "op": self.op}
        self.stats = _Stats(self.median, self.median * self.spread)


def test_ratios_come_from_medians_of_one_run() -> None:
    benches = [
        _Bench("reference", "step", 1.0),
        _Bench("reference", "gradient", 0.9),
        _Bench("vectorized", "step", 0.02),
        _Bench("workspace-float64", "step", 0.01),
        _Bench("workspace-float32", "step", 0.005),
        _Bench("floor-float64", "step", 0.008),
        _Bench("floor-float32", "step", 0.004),
        _Bench("batched-float64", "epoch", 2.0, config="e"),
        _Bench("per-sample-float64", "epoch", 20.0, config="e"),
        _Bench("floor-float64", "epoch", 1.6, config="e"),
        _Bench("reference", "step", 5.0, config="broken", has_error=True),
    ]
    rows = {r["config"]: r for r in speedup_rows(benches)}
    assert set(rows) == {"c", "e"}
    c, e = rows["c"], rows["e"]
    assert c["speedup_workspace_float64"] == pytest.approx(100.0)
    assert c["speedup_vectorized"] == pytest.approx(50.0)
    assert c["step_over_floor_float64"] == pytest.approx(1.25)
    assert c["float32_gain"] == pytest.approx(2.0)
    assert e["per_sample_over_batched"] == pytest.approx(10.0) and e[
        "epoch_over_floor_float64"
    ] == pytest.approx(1.25)
    text = format_rows(list(rows.values()))
    assert "100.00x" in text and "1.25x" in text and "10.00x" in text


def test_paired_ratios_are_listed() -> None:
    from benchmarks.summary import format_paired, paired_rows

    b = _Bench("x", "y", 1.0)
    b.extra_info.update(paired="step / floor", ratio=1.25, target="<= 1.3")
    rows = paired_rows([b, _Bench("reference", "step", 1.0)])
    assert rows == [{"ratio": "step / floor", "value": 1.25, "target": "<= 1.3"}]
    lines = format_paired(rows).splitlines()
    assert lines[0].split() == ["ratio", "measured", "target"]
    assert lines[1].split() == ["step", "/", "floor", "1.25x", "<=", "1.3"]


def test_fewest_calls_refuses_other_networks() -> None:
    """The bound is written for one architecture; it must not silently time another."""
    import numpy as np

    import reference
    import vectorized
    from backprop_cli.fewest_calls import FewestCallsStep

    arch = reference.Architecture((4, 3, 2), ("tanh", "sigmoid"), "half_squared_error")
    params = vectorized.init_parameters(arch, seed=0)
    with pytest.raises(ValueError, match="the fewest-calls step covers"):
        FewestCallsStep(arch, params, np.zeros((1, 4)), np.zeros((1, 2)), 0.1)


def test_a_disturbed_run_is_called_so_not_printed_as_a_result() -> None:
    quiet = [_Bench("reference", "step", 1.0), _Bench("floor-float64", "step", 0.01)]
    assert "DISTURBED" not in format_rows(speedup_rows(quiet))
    noisy = [_Bench("reference", "step", 1.0), _Bench("floor-float64", "step", 0.01, spread=8.0)]
    text = format_rows(speedup_rows(noisy))
    assert "DISTURBED, not a result: c (floor-float64 IQR 8.0x its median)" in text


def test_the_speedup_is_also_over_the_loops_doing_the_same_work() -> None:
    benches = [
        _Bench("reference", "step", 1.0),
        _Bench("reference-maths", "step", 0.5),
        _Bench("fast-loop", "step", 0.2),
        _Bench("workspace-float64", "step", 0.01),
    ]
    (row,) = speedup_rows(benches)
    assert row["speedup_workspace_float64"] == pytest.approx(100.0)
    assert row["speedup_over_maths"] == pytest.approx(50.0)
    assert row["speedup_over_fast_loop"] == pytest.approx(20.0)
    table = format_rows([row])
    assert "vs fast" in table.splitlines()[0] and "20.00x" in table and "50.00x" in table
