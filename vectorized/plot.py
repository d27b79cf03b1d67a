"""PNG plots with matplotlib, an optional extra: ``pip install -e ".[plot]"``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reference.contract import ContractError


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ContractError(
            "--plot needs matplotlib, the 'plot' extra: pip install -e \".[plot]\""
        ) from None
    return plt


def plot_curves(
    path: str | Path, title: str, curves: dict[str, Sequence[float]], xlabel: str, log: bool = True
) -> Path:
    """One PNG with one line per named curve (cost against step, accuracy against epoch…)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    for label, ys in curves.items():
        ax.plot(range(len(ys)), ys, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
