"""Implementations under test, behind one list-in, list-out interface.

An implementation is a module with ``forward``, ``cost``, ``backward`` and ``sgd_step``:
either on nested lists (the reference's signatures) or on NumPy arrays (vectorized's
signatures: parameters as ``vectorized.Parameters``, batches as arrays, results with
``.W``, ``.b`` and ``.cost``).  ``pytest --impl mypackage.mymodule`` adds a module of the
second kind, so a student's own backprop is held to every property in this suite.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

import reference
import vectorized
from backprop_verify import workspace_impl

REQUIRED = ("forward", "cost", "backward", "sgd_step")


@dataclass(frozen=True)
class Implementation:
    """A module and the precision its bound is computed in."""

    name: str
    module: ModuleType
    dtype: str  # "float64" or "float32": which rounding analysis applies
    on_lists: bool = False  # the reference's signatures (nested lists)

    def _params(self, p: reference.Parameters) -> Any:
        return p if self.on_lists else vectorized.to_arrays(p, self.dtype)

    def _data(self, X: list[list[float]]) -> Any:
        return X if self.on_lists else np.asarray(X, dtype=self.dtype)

    @staticmethod
    def _lists(obj: Any) -> reference.Parameters:
        if isinstance(obj, (reference.Parameters, reference.Gradients)):
            return reference.Parameters(obj.W, obj.b)
        return reference.Parameters(
            [np.asarray(W, dtype=np.float64).tolist() for W in obj.W],
            [np.asarray(v, dtype=np.float64).tolist() for v in obj.b],
        )

    def held(self, p: reference.Parameters) -> reference.Parameters:
        """The parameters as this implementation stores them (rounded to float32 there)."""
        return self._lists(self._params(p))

    def forward(
        self, arch: reference.Architecture, p: reference.Parameters, X: list[list[float]]
    ) -> list[list[float]]:
        out = self.module.forward(arch, self._params(p), self._data(X))
        rows: list[list[float]] = np.asarray(out, dtype=np.float64).tolist()
        return rows

    def cost(
        self,
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
    ) -> float:
        return float(self.module.cost(arch, self._params(p), self._data(X), self._data(Y)))

    def backward(
        self,
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
    ) -> reference.Gradients:
        g = self.module.backward(arch, self._params(p), self._data(X), self._data(Y))
        lists = self._lists(g)
        return reference.Gradients(lists.W, lists.b, float(g.cost))

    def sgd_step(
        self,
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
        eta: float,
        steps: int = 1,
    ) -> reference.Parameters:
        q = self._params(p)
        Xn, Yn = self._data(X), self._data(Y)
        for _ in range(steps):
            q = self.module.sgd_step(arch, q, Xn, Yn, eta)
        return self._lists(q)


BUILT_IN = (
    Implementation("reference", reference, "float64", on_lists=True),
    Implementation("vectorized-float64", vectorized, "float64"),
    Implementation("vectorized-float32", vectorized, "float32"),
    # The trainer's preallocated in-place step (vectorized.workspace).
    Implementation("workspace-float64", workspace_impl, "float64"),
    Implementation("workspace-float32", workspace_impl, "float32"),
)


def load(spec: str) -> Implementation:
    """``package.module`` or ``package.module:float32``: a user's array implementation."""
    name, _, dtype = spec.partition(":")
    module = importlib.import_module(name)
    missing = [f for f in REQUIRED if not callable(getattr(module, f, None))]
    if missing:
        raise ValueError(f"--impl {name}: expected functions {REQUIRED}; missing {missing}")
    return Implementation(spec, module, dtype or "float64")
