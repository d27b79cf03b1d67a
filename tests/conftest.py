"""Hypothesis profiles and the implementation parameters of the property suite."""

from __future__ import annotations

import inspect
import os
import re

import pytest
from hypothesis import settings
from threadpoolctl import threadpool_limits

from backprop_verify.adapters import BUILT_IN, Implementation, load
from reference.contract import ContractError

# Local runs: a quick profile.  Under CI=true, hypothesis' built-in "ci" profile
# (derandomized, no deadline, 100 examples per property) is loaded instead.
settings.register_profile("fast", max_examples=20, deadline=None)
# For a long hunt before a release: HYPOTHESIS_PROFILE=thorough pytest tests
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(
    "ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "fast")
)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist the workers already fill the cores: one BLAS thread each, so that
    workers do not wait on each other's threads (see vectorized.threads)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        config.stash[_LIMIT] = threadpool_limits(limits=1, user_api="blas")
    implementations(config)  # a module given with --impl that cannot be loaded: one line


_LIMIT = pytest.StashKey[object]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--impl",
        action="append",
        default=[],
        metavar="MODULE[:float32]",
        help="also hold this module to every property of tests/test_properties.py, inside "
        "its declared CAPABILITIES (see docs/checking.md)",
    )


def implementations(config: pytest.Config) -> list[Implementation]:
    """The built-in implementations and each --impl module, with its declared capabilities;
    a module that cannot be loaded stops the run with one line saying why."""
    try:
        return [*BUILT_IN, *(load(spec) for spec in config.getoption("--impl"))]
    except ContractError as exc:
        raise pytest.UsageError(f"--impl: {exc}") from None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``stderr`` every test that reads what a command wrote to stderr, so that
    tests/test_progress.py can run them all with progress shown from the first unit of work
    (and beside busy processes) and prove that none depends on the machine being quiet."""
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and _reads_stderr(function):
            item.add_marker(pytest.mark.stderr)


def _reads_stderr(function: object) -> bool:
    try:
        source = inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return False
    return re.search(r"\.err\b|\berr\b|stderr", source) is not None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    impls = implementations(metafunc.config)
    if "prop" in metafunc.fixturenames:  # every property, for each implementation it applies to
        from tests.test_properties import applicable_pairs, ids

        pairs = applicable_pairs(impls)
        metafunc.parametrize(("impl", "prop"), pairs, ids=ids(pairs))
        return
    # The project's own tests with hard-coded networks hold our implementations only: a
    # module given with --impl is judged by the properties, inside what it declares.
    if "impl" in metafunc.fixturenames:  # every built-in implementation
        metafunc.parametrize("impl", BUILT_IN, ids=[i.name for i in BUILT_IN])
    if "impl64" in metafunc.fixturenames:  # precise enough for finite differences
        precise = [i for i in BUILT_IN if i.dtype == "float64"]
        metafunc.parametrize("impl64", precise, ids=[i.name for i in precise])
