"""Plain ``pytest`` runs every benchmark once, untimed (a smoke test); ``pytest
--benchmark-only`` (or ``--benchmark-enable``) times them."""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if not (
        config.getoption("benchmark_only", False) or config.getoption("benchmark_enable", False)
    ):
        config.option.benchmark_disable = True
