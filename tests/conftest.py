"""Hypothesis profiles and the implementation parameters of the property suite."""

from __future__ import annotations

import os

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
        help="also check this module (same functions and signatures as `vectorized`)",
    )


def implementations(config: pytest.Config) -> list[Implementation]:
    """The built-in implementations and each --impl module, with its declared capabilities;
    a module that cannot be loaded stops the run with one line saying why."""
    try:
        return [*BUILT_IN, *(load(spec) for spec in config.getoption("--impl"))]
    except ContractError as exc:
        raise pytest.UsageError(f"--impl: {exc}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    impls = implementations(metafunc.config)
    if "prop" in metafunc.fixturenames:  # every property, for each implementation it applies to
        from tests.test_properties import applicable_pairs, ids

        pairs = applicable_pairs(impls)
        metafunc.parametrize(("impl", "prop"), pairs, ids=ids(pairs))
        return
    if "impl" in metafunc.fixturenames:  # every implementation
        metafunc.parametrize("impl", impls, ids=[i.name for i in impls])
    if "twin" in metafunc.fixturenames:  # every implementation checked against the reference
        twins = [i for i in impls if i.name != "reference"]
        metafunc.parametrize("twin", twins, ids=[i.name for i in twins])
    if "impl64" in metafunc.fixturenames:  # precise enough for finite differences
        precise = [i for i in impls if i.dtype == "float64"]
        metafunc.parametrize("impl64", precise, ids=[i.name for i in precise])
