"""``python -m vectorized compare`` prints one row per network with tiny differences."""

from __future__ import annotations

import pytest

from backprop_cli.compare import NETWORKS
from backprop_cli.vectorized_cli import main


def test_compare_prints_a_row_per_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["network", "N"]
    rows = lines[2:]
    assert len(rows) == len(NETWORKS)
    for row, (arch, N) in zip(rows, NETWORKS, strict=True):
        assert row.startswith(arch.describe())
        fields = row.split()
        assert int(fields[-5]) == N
        # float64 sums in another order: differences of a few ulps of O(1) values
        assert all(float(v) < 1e-12 for v in fields[-4:])
