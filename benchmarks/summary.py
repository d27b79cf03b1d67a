"""The speedup summary: per configuration, medians and ratios measured in one run."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from backprop_cli.performance import seconds


def _medians(benchmarks: list[Any]) -> dict[str, dict[tuple[str, str], float]]:
    table: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for b in benchmarks:
        info = b.extra_info
        if "config" in info and not b.has_error:
            table[info["config"]][(info["impl"], info["op"])] = b.stats.median
    return table


# A timing whose interquartile range over its rounds exceeds its median was disturbed by
# something else on the machine: its ratios are not results. (The IQR, not max − min: one
# preemption in thousands of rounds is not a disturbed run; on a quiet machine the IQR of
# the shortest steps here, tens of microseconds, reached 0.8x their median, beside a busy
# process tens of times.)
DISTURBED_SPREAD = 1.0


def disturbed(benchmarks: list[Any]) -> dict[str, list[str]]:
    """Per configuration, the timings whose spread is far above their median."""
    out: dict[str, list[str]] = defaultdict(list)
    for b in benchmarks:
        info, st = b.extra_info, b.stats
        if "config" in info and not b.has_error and st.median > 0:
            spread = st.iqr / st.median
            if spread > DISTURBED_SPREAD:
                out[info["config"]].append(f"{info['impl']} IQR {spread:.1f}x its median")
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def speedup_rows(benchmarks: list[Any]) -> list[dict[str, Any]]:
    """One row per configuration: medians in seconds and the ratios between them."""
    rows = []
    noisy = disturbed(benchmarks)
    for config, m in _medians(benchmarks).items():
        get = m.get
        ref, api = get(("reference", "step")), get(("vectorized", "step"))
        maths, fast = get(("reference-maths", "step")), get(("fast-loop", "step"))
        ws64, ws32 = get(("workspace-float64", "step")), get(("workspace-float32", "step"))
        fl64, fl32 = get(("floor-float64", "step")), get(("floor-float32", "step"))
        rows.append(
            {
                "config": config,
                "disturbed": noisy.get(config, []),
                "reference_step_median_s": ref,
                "reference_maths_step_median_s": maths,
                "fast_loop_step_median_s": fast,
                "reference_gradient_median_s": get(("reference", "gradient")),
                "vectorized_step_median_s": api,
                "workspace_float64_step_median_s": ws64,
                "workspace_float32_step_median_s": ws32,
                "floor_float64_median_s": fl64,
                "floor_float32_median_s": fl32,
                "speedup_vectorized": _ratio(ref, api),
                "speedup_workspace_float64": _ratio(ref, ws64),
                # the same work on both sides: the reference's loops without its checks,
                # and the fastest loop written (benchmarks/fast_loop.py)
                "speedup_over_maths": _ratio(maths, ws64),
                "speedup_over_fast_loop": _ratio(fast, ws64),
                "step_over_floor_float64": _ratio(ws64, fl64),
                "step_over_floor_float32": _ratio(ws32, fl32),
                "float32_gain": _ratio(ws64, ws32),
                # epochs (benchmarks/test_epoch.py)
                "batched_epoch_float64_s": get(("batched-float64", "epoch")),
                "batched_epoch_float32_s": get(("batched-float32", "epoch")),
                "per_sample_epoch_float64_s": get(("per-sample-float64", "epoch")),
                "epoch_floor_float64_s": get(("floor-float64", "epoch")),
                "per_sample_over_batched": _ratio(
                    get(("per-sample-float64", "epoch")), get(("batched-float64", "epoch"))
                ),
                "epoch_over_floor_float64": _ratio(
                    get(("batched-float64", "epoch")), get(("floor-float64", "epoch"))
                ),
            }
        )
    return rows


def paired_rows(benchmarks: list[Any]) -> list[dict[str, Any]]:
    """The ratios measured in pairs (benchmarks/test_paired.py), with their targets."""
    rows = []
    for b in benchmarks:
        info = b.extra_info
        if "paired" in info and "ratio" in info:
            rows.append(
                {"ratio": info["paired"], "value": info["ratio"], "target": info.get("target", "")}
            )
            other = info.get("default_threads")
            if other:  # the same measurement with OpenBLAS' default threads, for contrast
                rows.append(
                    {
                        "ratio": f"  the same with OpenBLAS' default ({other['threads']} threads)",
                        "value": other["ratio"],
                        "target": "",
                    }
                )
    return rows


def format_paired(rows: list[dict[str, Any]]) -> str:
    """One line per paired ratio: name, measured, target."""
    head = f"{'ratio':<66} {'measured':>8} {'target':>8}"
    lines = [f"{r['ratio']:<66} {r['value']:>7.2f}x {r['target']:>8}" for r in rows]
    return "\n".join([head, *lines])


def _x(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def format_rows(rows: list[dict[str, Any]]) -> str:
    """The rows as two fixed-width tables: steps, then MNIST epochs."""
    steps = [
        r
        for r in rows
        if r["reference_step_median_s"] is not None or r["floor_float64_median_s"] is not None
    ]
    epochs = [r for r in rows if r["batched_epoch_float64_s"] is not None]
    out = []
    if steps:
        w = max(len("configuration"), *(len(r["config"]) for r in steps))
        out.append(
            f"{'configuration':<{w}} {'fast loop':>10} {'ref maths':>10} {'reference':>10} "
            f"{'workspace':>10} {'ws f32':>10} {'vs fast':>9} {'vs maths':>9} {'vs as called':>12} "
            f"{'step/floor':>10}"
        )
        for r in steps:
            out.append(
                f"{r['config']:<{w}} {seconds(r['fast_loop_step_median_s']):>10} "
                f"{seconds(r['reference_maths_step_median_s']):>10} {seconds(r['reference_step_median_s']):>10} "
                f"{seconds(r['workspace_float64_step_median_s']):>10} {seconds(r['workspace_float32_step_median_s']):>10} "
                f"{_x(r['speedup_over_fast_loop']):>9} {_x(r['speedup_over_maths']):>9} "
                f"{_x(r['speedup_workspace_float64']):>12} {_x(r['step_over_floor_float64']):>10}"
            )
    if epochs:
        w = max(len("MNIST epoch"), *(len(r["config"]) for r in epochs))
        out.append("")
        out.append(
            f"{'MNIST epoch':<{w}} {'batched':>10} {'f32':>10} {'per-sample':>10} {'floor':>10} "
            f"{'per-sample/batched':>18} {'epoch/floor':>11}"
        )
        for r in epochs:
            out.append(
                f"{r['config']:<{w}} {seconds(r['batched_epoch_float64_s']):>10} {seconds(r['batched_epoch_float32_s']):>10} "
                f"{seconds(r['per_sample_epoch_float64_s']):>10} {seconds(r['epoch_floor_float64_s']):>10} "
                f"{_x(r['per_sample_over_batched']):>18} {_x(r['epoch_over_floor_float64']):>11}"
            )
    for r in rows:
        if r.get("disturbed"):
            out.append(
                f"DISTURBED, not a result: {r['config']} ({'; '.join(r['disturbed'])}); "
                "run again on a quiet machine"
            )
    return "\n".join(out)
