"""The pictured step: every number on the picture is the trace's, and can be read back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import reference
from backprop_cli.picture import elements, step_svg
from backprop_cli.reference_cli import main as reference_main
from backprop_cli.vectorized_cli import main as vectorized_main
from backprop_data.examples import example
from reference.network import apply_update, backward_pass, feed_forward
from reference.typeset import num
from tests.streams import one_line

QUANTITY = re.compile(r'data-q="([^"]+)" data-v="([^"]+)"')


def _read(svg: str) -> dict[str, str]:
    return dict(QUANTITY.findall(svg))


@pytest.mark.parametrize("main", [reference_main, vectorized_main])
def test_the_picture_of_mazurs_step_holds_the_traces_numbers(
    main: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "step.svg"
    assert main(["trace", "mazur", "--picture", str(target)]) == 0  # type: ignore[operator]
    out = capsys.readouterr().out
    assert out.startswith(f"picture written to {target}")
    got = _read(target.read_text(encoding="utf-8"))
    ex = example("mazur")
    z, a = feed_forward(ex.arch, ex.params, ex.X[0])
    delta = backward_pass(ex.arch, ex.params, z, a, ex.Y[0])
    grads = reference.backward(ex.arch, ex.params, ex.X, ex.Y)
    new = apply_update(ex.arch, ex.params, grads, ex.learning_rate)
    want: dict[str, float] = {"x[0]": 0.05, "x[1]": 0.10}
    for l in (1, 2):
        for j in (0, 1):
            want |= {
                f"z[{l}][{j}]": z[l][j],
                f"a[{l}][{j}]": a[l][j],
                f"delta[{l}][{j}]": delta[l][j],
            }
            for i in (0, 1):
                k = f"[{l}][{j}][{i}]"
                want |= {
                    f"W{k}": ex.params.W[l - 1][j][i],
                    f"dC/dW{k}": grads.W[l - 1][j][i],
                    f"new W{k}": new.W[l - 1][j][i],
                }
    assert set(want) <= set(got)
    for name, value in want.items():
        assert float(got[name]) == value, name  # data-v holds the float exactly
    shown = {name: num(float(v)) for name, v in got.items()}
    # Mazur's numbers, as the post prints them: out_o1, the new w5 and w1.
    assert shown["a[2][0]"] == "0.75136507" and shown["new W[2][0][0]"] == "0.35891648"
    assert shown["new W[1][0][0]"] == "0.149780716"
    # and each is printed by the node-by-node trace too, in the same format, and drawn so
    text = reference.trace.trace(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate)
    svg = target.read_text(encoding="utf-8")
    for name in ("z[1][0]", "a[2][1]", "delta[1][1]", "dC/dW[1][1][0]", "new W[2][1][1]"):
        assert shown[name] in text, name
        assert f'data-q="{name}" data-v="{got[name]}">' in svg
        assert re.search(
            f'data-q="{re.escape(name)}"[^>]*>[^<]*{re.escape(shown[name])}</text>', svg
        )


def test_a_network_too_wide_to_draw_is_refused_before_the_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "wide.svg"
    assert reference_main(["trace", "--sizes", "9,3,1", "--picture", str(target)]) == 2
    out = capsys.readouterr()
    assert (
        one_line(out.err).startswith("error: picture: expected at most 8 nodes in a layer")
        and out.out == ""
    )
    assert not target.exists()
    assert reference_main(["trace", "mazur", "--picture", str(tmp_path / "step.gif")]) == 2
    assert "--picture: expected a file name ending in .svg or .png" in capsys.readouterr().err


def test_the_picture_is_a_function_of_the_api_too() -> None:
    ex = example("xor")
    svg = step_svg(elements(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "b[1][0]" not in _read(svg)  # XOR has no biases: none drawn
    assert "sample 0 of 4" in svg


def test_the_png_draws_the_same_labels_as_the_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")  # the plot extra; `pip install -e ".[test]"` brings it
    from backprop_cli.plot import step_png

    target = tmp_path / "step.png"
    assert reference_main(["trace", "mazur", "--picture", str(target)]) == 0
    capsys.readouterr()
    head = target.read_bytes()[:24]
    ex = example("mazur")
    pic = elements(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(head[16:20]), int.from_bytes(head[20:24])) == (pic.width, pic.height)
    fig = step_png(tmp_path / "again.png", pic)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [pic.title, *(label.text for label in pic.labels)]
    assert "→ 0.35891648" in texts and "δ 0.138498562" in texts


def test_a_png_without_matplotlib_is_one_line_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("backprop_cli.plot.importlib.util.find_spec", lambda name: None)
    target = tmp_path / "step.png"
    assert reference_main(["trace", "mazur", "--picture", str(target)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and one_line(out.err).startswith(
        "error: --picture PATH.png needs matplotlib"
    )
    assert not target.exists()
