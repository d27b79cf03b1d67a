"""The speedup summary printed at the end of ``pytest --benchmark-only`` and added to
``--benchmark-json`` output (key ``speedup``)."""

from __future__ import annotations

from typing import Any

import pytest

from backprop_cli.speedup import machine
from benchmarks.summary import format_paired, format_rows, paired_rows, speedup_rows


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = getattr(config, "_benchmarksession", None)
    if session is None or session.disabled or not session.benchmarks:
        return
    terminalreporter.section("speedup (medians; ratios measured in this run)")
    terminalreporter.write_line(
        "step = forward + backward + update, float64. Speedup of the trainer's step (workspace)"
    )
    terminalreporter.write_line(
        "over the fastest loop we wrote (vs fast), over the reference's loops without its input "
        "checks (vs maths: the same work), and over the reference as a user calls it"
    )
    terminalreporter.write_line(format_rows(speedup_rows(session.benchmarks)))
    paired = paired_rows(session.benchmarks)
    if paired:
        terminalreporter.write_line("")
        terminalreporter.write_line(
            "ratios measured in pairs (each median of back-to-back timings):"
        )
        terminalreporter.write_line(format_paired(paired))


def pytest_benchmark_update_json(
    config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]
) -> None:
    output_json["environment"] = machine()
    output_json["speedup"] = speedup_rows(benchmarks)
    output_json["paired_ratios"] = paired_rows(benchmarks)
