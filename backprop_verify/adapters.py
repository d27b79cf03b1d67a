"""Implementations under check, behind one list-in, list-out interface.

An implementation is a module with ``forward``, ``cost`` and ``backward`` (and, if it has
one, ``sgd_step``): either on nested lists (the reference's signatures) or on NumPy
arrays (vectorized's signatures: parameters as ``vectorized.Parameters``, batches as
arrays, results with ``.W``, ``.b`` and ``.cost``). A module may declare what it supports
with ``CAPABILITIES`` (backprop_verify.capabilities), including its layout of W.
``backprop_verify.shapes`` builds these functions from code shaped the textbook ways.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import reference
import vectorized
from backprop_verify import workspace_impl
from backprop_verify.capabilities import Capabilities, whole_contract
from reference.contract import ContractError

REQUIRED = ("forward", "cost", "backward")
OPTIONAL = ("sgd_step", "forward_pass")


@dataclass(frozen=True)
class Implementation:
    """A module, the precision its bound is computed in, and what it supports."""

    name: str
    module: ModuleType
    dtype: str  # "float64" or "float32": which rounding analysis applies
    on_lists: bool = False  # the reference's signatures (nested lists)
    caps: Capabilities = field(default_factory=whole_contract)
    declared: bool = True  # whether the module declared its capabilities

    @property
    def has_step(self) -> bool:
        """Whether the module offers ``sgd_step``."""
        return callable(getattr(self.module, "sgd_step", None))

    def _params(self, p: reference.Parameters) -> Any:
        if self.on_lists:
            return p
        q = vectorized.to_arrays(p, self.dtype)
        if self.caps.weights == "in_out":
            q = vectorized.Parameters([np.ascontiguousarray(W.T) for W in q.W], q.b)
        return q

    def _data(self, X: list[list[float]]) -> Any:
        return X if self.on_lists else np.asarray(X, dtype=self.dtype)

    def _targets(self, Y: list[list[float]]) -> Any:
        """Y as the module takes it: rows, or integer class labels of shape (N,) (the
        drawn rows are then one-hot)."""
        if self.caps.targets == "labels":
            return np.asarray(Y).argmax(axis=1).astype(np.intp)
        return self._data(Y)

    def _lists(self, obj: Any) -> reference.Parameters:
        """The module's parameters or gradients as the contract's nested lists."""
        if isinstance(obj, (reference.Parameters, reference.Gradients)):
            return reference.Parameters(obj.W, obj.b)
        W = [np.asarray(w, dtype=np.float64) for w in obj.W]
        if self.caps.weights == "in_out":
            W = [w.T for w in W]
        return reference.Parameters(
            [w.tolist() for w in W], [np.asarray(v, dtype=np.float64).tolist() for v in obj.b]
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
        return float(self.module.cost(arch, self._params(p), self._data(X), self._targets(Y)))

    def backward(
        self,
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
    ) -> reference.Gradients:
        g = self.module.backward(arch, self._params(p), self._data(X), self._targets(Y))
        lists = self._lists(g)
        return reference.Gradients(lists.W, lists.b, float(g.cost))

    def sgd_step(
        self,
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
        learning_rate: float,
        steps: int = 1,
    ) -> reference.Parameters:
        q = self._params(p)
        Xn, Yn = self._data(X), self._targets(Y)
        for _ in range(steps):
            q = self.module.sgd_step(arch, q, Xn, Yn, learning_rate)
        return self._lists(q)

    def changes_its_inputs(
        self,
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
        learning_rate: float,
    ) -> list[str]:
        """Which arguments a call of each function modified (its own copies are compared)."""
        q, Xn, Yn = self._params(p), self._data(X), self._targets(Y)
        calls: list[tuple[str, Callable[[], object]]] = [
            ("forward", lambda: self.module.forward(arch, q, Xn)),
            ("cost", lambda: self.module.cost(arch, q, Xn, Yn)),
            ("backward", lambda: self.module.backward(arch, q, Xn, Yn)),
        ]
        if self.has_step:
            calls.append(("sgd_step", lambda: self.module.sgd_step(arch, q, Xn, Yn, learning_rate)))
        changed = []
        for name, call in calls:
            before = _snapshot(q, Xn, Yn)
            call()
            after = _snapshot(q, Xn, Yn)
            for what, (old, new) in zip(
                ("params", "X", "Y"), zip(before, after, strict=True), strict=True
            ):
                if old != new:
                    changed.append(f"{name} changed its argument {what}")
        return changed


def _snapshot(q: Any, X: Any, Y: Any) -> tuple[Any, Any, Any]:
    def lists(v: Any) -> Any:
        return np.asarray(v, dtype=np.float64).tolist()

    params = (
        (q.W, q.b)
        if isinstance(q, reference.Parameters)
        else ([lists(w) for w in q.W], [lists(v) for v in q.b])
    )
    return repr(params), repr(lists(X)), repr(lists(Y))


BUILT_IN = (
    Implementation("reference", reference, "float64", on_lists=True),
    Implementation("vectorized-float64", vectorized, "float64"),
    Implementation("vectorized-float32", vectorized, "float32"),
    # The trainer's preallocated in-place step (vectorized.workspace).
    Implementation("workspace-float64", workspace_impl, "float64"),
    Implementation("workspace-float32", workspace_impl, "float32"),
)


def parse_spec(spec: object) -> tuple[str, str]:
    """``package.module[:float32]`` (or a path) as (the module, its dtype), checked."""
    if not isinstance(spec, str) or not spec:
        raise ContractError(f"module: expected a name like mypackage.mybackprop; got {spec!r}")
    name, _, dtype = spec.partition(":")
    dtype = dtype or "float64"
    if dtype == "float16":
        raise ContractError(
            f"{spec}: float16 is not checked: its 11-bit significand leaves no room between "
            "rounding and a real error for gradients; check in float32 or float64"
        )
    if dtype not in ("float64", "float32"):
        raise ContractError(
            f"{spec}: expected :float64 or :float32 after the module; got {dtype!r}"
        )
    return name, dtype


def load(spec: str) -> Implementation:
    """``package.module`` or ``package.module:float32`` (or a path to a .py file): a user's
    array implementation, with its declared capabilities. Every problem is a ContractError
    that says what to do."""
    name, dtype = parse_spec(spec)
    module = import_module(name)
    missing = [f for f in REQUIRED if not callable(getattr(module, f, None))]
    if missing:
        raise ContractError(
            f"{name}: expected the functions {', '.join(REQUIRED)} (and optionally "
            f"{', '.join(OPTIONAL)}); missing {', '.join(missing)}"
        )
    caps = module.CAPABILITIES if hasattr(module, "CAPABILITIES") else Capabilities()
    if not isinstance(caps, Capabilities):
        raise ContractError(
            f"{name}.CAPABILITIES: expected backprop_verify.Capabilities(...); "
            f"got {type(caps).__name__}"
        )
    if dtype not in caps.dtypes:
        raise ContractError(f"{spec}: the module declares dtypes {caps.dtypes}; got {dtype}")
    return Implementation(spec, module, dtype, caps=caps, declared=hasattr(module, "CAPABILITIES"))


def import_module(name: str) -> ModuleType:
    """A module by dotted name, or a .py file by path."""
    try:
        if name.endswith(".py"):
            path = Path(name)
            if not path.is_file():
                raise ContractError(f"{name}: no such file")
            spec = importlib.util.spec_from_file_location(path.stem, path)
            if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
                raise ContractError(f"{name}: cannot be imported")
            folder = str(path.resolve().parent)  # so that it can import the files beside it
            if folder not in sys.path:
                sys.path.insert(0, folder)
            module = importlib.util.module_from_spec(spec)
            sys.modules[path.stem] = module
            spec.loader.exec_module(module)
            return module
        return importlib.import_module(name)
    except ContractError:
        raise
    except ImportError as exc:
        raise ContractError(
            f"{name}: cannot be imported ({exc}); give a module importable from here "
            "(run from its folder, or pass the path to its .py file)"
        ) from None
    except Exception as exc:  # the user's module failed while it was being imported
        raise ContractError(f"{name}: importing it raised {type(exc).__name__}: {exc}") from None
