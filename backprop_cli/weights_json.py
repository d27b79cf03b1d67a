"""A network's weights and data as JSON, for ``trace --weights FILE`` (standard library only).

The file is one object: ``W`` (one matrix per layer, row j holding the weights into node j),
``b``, ``X`` and ``Y`` (one row per sample) are required; ``activations`` (default sigmoid
for every layer), ``loss`` (half_squared_error), ``reduction`` (mean), ``bias`` (on), ``l2``
(λ of the L2 term, 0) and ``learning_rate`` (0.1) are optional. ``docs/mazur.json`` is
Mazur's network in this form.
"""

from __future__ import annotations

import json
from pathlib import Path

from backprop_data.examples import Example
from reference.contract import Architecture, ContractError, Parameters, check_learning_rate
from reference.validation import check_data, check_parameters

REQUIRED = ("W", "b", "X", "Y")
OPTIONAL = {
    "activations": None,
    "loss": "half_squared_error",
    "reduction": "mean",
    "bias": "on",
    "l2": 0.0,
    "learning_rate": 0.1,
}


def _shape_of(W: object, option: str) -> tuple[int, ...]:
    """Layer sizes n_0..n_L read from the weight matrices' shapes."""
    if not isinstance(W, list) or not W or not all(isinstance(m, list) and m for m in W):
        raise ContractError(f"{option}: W: expected a list of weight matrices; got {W!r:.60}")
    first = W[0][0]
    if not isinstance(first, list):
        raise ContractError(f"{option}: W[1]: expected rows of numbers; got {first!r:.60}")
    return (len(first), *(len(m) for m in W))


def load(path: str, option: str = "--weights") -> Example:
    """The example a JSON file describes, every field checked as the API checks it."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractError(f"{option}: {path!r} does not exist") from None
    except IsADirectoryError:
        raise ContractError(f"{option}: {path!r} is a folder; expected a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{option}: {path!r} cannot be read ({exc})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ContractError(
            f"{option}: {path!r} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise ContractError(
            f"{option}: {path!r} nests its lists too deeply to be a network (W is three deep)"
        ) from None
    if not isinstance(data, dict):
        raise ContractError(f"{option}: expected a JSON object; got {type(data).__name__}")
    missing = [k for k in REQUIRED if k not in data]
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if missing or unknown:
        raise ContractError(
            f"{option}: expected the keys {', '.join(REQUIRED)} and optionally "
            f"{', '.join(OPTIONAL)}; "
            + "; ".join(
                part
                for part in (
                    f"{', '.join(missing)} missing" if missing else "",
                    f"{', '.join(unknown)} unknown" if unknown else "",
                )
                if part
            )
        )
    fields = {**OPTIONAL, **{k: v for k, v in data.items() if k in OPTIONAL}}
    sizes = _shape_of(data["W"], option)
    acts = fields["activations"] or ["sigmoid"] * (len(sizes) - 1)
    try:
        if not isinstance(acts, list):
            raise ContractError(f"activations: expected a list of names; got {acts!r}")
        arch = Architecture(
            sizes, tuple(acts), fields["loss"], fields["reduction"], fields["bias"], fields["l2"]
        )
        params = Parameters(data["W"], data["b"])
        check_parameters(arch, params)
        X, Y = check_data(arch, data["X"], data["Y"])
        eta = check_learning_rate(fields["learning_rate"])
    except ContractError as exc:
        raise ContractError(f"{option} {path}: {exc}") from None
    params = Parameters(
        [[[float(v) for v in row] for row in W] for W in params.W],
        [[float(v) for v in b] for b in params.b],
    )
    return Example(Path(path).stem, path, arch, params, X, Y, eta, 1, None)


def dumps(ex: Example) -> str:
    """An example as the JSON ``load`` reads (one line per layer's matrix)."""
    fields = {
        "activations": list(ex.arch.activations),
        "loss": ex.arch.loss,
        "reduction": ex.arch.reduction,
        "bias": ex.arch.bias,
        **({"l2": ex.arch.l2} if ex.arch.l2 else {}),
        "learning_rate": ex.learning_rate,
        "W": ex.params.W,
        "b": ex.params.b,
        "X": ex.X,
        "Y": ex.Y,
    }
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items())
    return "{\n" + body + "\n}\n"
