"""The traces as a reader sees them: every number of Mazur's walk-through, one number format,
80 columns, symmetric elision, and the classroom options (--format, --weights, --steps)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backprop_cli import formats
from backprop_cli.reference_cli import main as reference_main
from backprop_cli.vectorized_cli import main as vectorized_main
from backprop_data.examples import mazur
from reference.network import cost
from reference.training import train
from reference.typeset import fac, num, shown
from tests.streams import one_line

MAINS = {"reference": reference_main, "vectorized": vectorized_main}
ROOT = Path(__file__).resolve().parent.parent


def _out(main: object, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0  # type: ignore[operator]
    return capsys.readouterr().out


def test_the_number_format() -> None:
    assert num(0.1 + 0.2) == "0.3" and num(-0.0380982365) == "−0.0380982365"
    assert num(-0.0) == "0" and num(-1e-320 * 1e-10) == "0"
    assert fac(-0.5) == "(−0.5)" and fac(0.5) == "0.5"
    assert num(3.510187782978859e-05) == "3.51018778e-05"
    assert shown(784, 6) == [0, 1, 2, None, 781, 782, 783] and shown(3, 6) == [0, 1, 2]
    assert shown(10, 3) == [0, 1, None, 9]


def test_every_number_of_mazurs_walk_through(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(reference_main, ["trace", "mazur"], capsys)
    # M. Mazur's intermediate values, in this trace's 9 significant digits.
    for line in [
        "a[1][0] = sigmoid(0.3775) = 0.593269992",
        "ℓ_0 = ½(0.75136507 − 0.01)² = 0.274811083",
        "ℓ_1 = ½(0.772928465 − 0.99)² = 0.0235600256",
        "∂ℓ/∂a[2][0] = 0.75136507 − 0.01 = 0.74136507",
        "φ'(z[2][0]) = 0.186815602",
        "δ[2][0] = 0.74136507·0.186815602 = 0.138498562",
        "Σ_j W[2][j][0]·δ[2][j] = 0.4·0.138498562 + 0.5·(−0.0380982365)",
        "= 0.0553994247 + (−0.0190491183)",
        "= 0.0363503064",
        "δ[1][0] = 0.241300709·0.0363503064 = 0.00877135469",
        "W[2][0][0] = 0.4 − 0.5·0.0821670406 = 0.35891648  (w5)",
        "W[1][0][0] = 0.15 − 0.5·0.000438567734 = 0.149780716  (w1)",
        "w5 w6 w7 w8 = W[2][0][0] W[2][0][1] W[2][1][0] W[2][1][1]",
        "cost after the step, same batch: C = 0.291027774 (before 0.298371109",
    ]:
        assert line in out, line
    ex = mazur()
    new, _ = train(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate, 1)
    assert num(cost(ex.arch, new, ex.X, ex.Y)) == "0.291027774"


def test_the_note_on_mazurs_9999_steps_is_true() -> None:
    ex = mazur()
    after = {}
    for steps in (9_999, 10_000):
        params, _ = train(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate, steps)
        after[steps] = cost(ex.arch, params, ex.X, ex.Y)
    assert num(after[9_999]) in ex.note and num(after[10_000]) in ex.note
    assert f"{after[9_999]:.10f}".startswith("0.0000351085")  # the post's figure


@pytest.mark.parametrize("side", MAINS)
@pytest.mark.parametrize(
    "argv",
    [
        ["mazur"],
        ["two-hidden"],
        ["--sizes", "784,30,10", "--samples", "3", "--max-nodes", "4"],
        ["--sizes", "5,40,3", "--activations", "tanh,softmax", "--samples", "3"],
        [
            "--sizes",
            "3,2,2",
            "--activations",
            "relu,softmax",
            "--loss",
            "categorical_cross_entropy",
        ],
    ],
)
def test_traces_fit_in_80_columns_with_one_number_format(
    side: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _out(MAINS[side], ["trace", *argv], capsys)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    assert not re.search(r"(?<![\w\]\[])-\d", out.split("Note")[0])  # minus is always −
    assert not re.search(r"(?<![\d.])−0(?![.\de])", out)  # never −0
    assert "·−" not in out and "+ −" not in out  # a negative factor or term is in parentheses


def test_wide_layers_are_elided_symmetrically(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["trace", "--sizes", "784,30,10", "--samples", "5", "--max-nodes", "3"]
    out = _out(reference_main, argv, capsys)
    assert "… (27 more nodes in layer 1) …" in out and "… 3 more samples" in out
    assert "z[1][0] =" in out and "z[1][1] =" in out and "z[1][29] =" in out
    assert "z[1][2] =" not in out
    assert "… (781 more) …" in out  # the inputs too: x and the weights into a node
    assert len(out.splitlines()) < 300  # not one line per weight: 784·30 + 30·10 of them
    matrix = _out(vectorized_main, argv, capsys)
    assert "… (2 more rows) …" in matrix


def test_the_matrix_trace_prints_the_factors_it_multiplies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _out(vectorized_main, ["trace", "mazur"], capsys)
    for block in [
        "∂ℓ/∂A[2] = A − Y, shape (1, 2):\n    [0.74136507  −0.217071535]",
        "φ'(Z[2]), shape (1, 2):\n    [0.186815602  0.175510053]",
        "Δ[2] @ W[2], shape (1, 2):\n    [0.0363503064  0.0413703226]",
        "φ'(Z[1]), shape (1, 2):\n    [0.241300709  0.240613417]",
    ]:
        assert block in out, block


def test_weights_from_json_trace_as_the_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from_example = _out(reference_main, ["trace", "mazur"], capsys)
    from_file = _out(reference_main, ["trace", "--weights", str(ROOT / "docs/mazur.json")], capsys)
    assert from_file == from_example.split("\n\nNote\n")[0] + "\n"
    data = json.loads((ROOT / "docs/mazur.json").read_text())
    data["W"][1][0][1] = "0.45"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    assert reference_main(["trace", "--weights", str(bad)]) == 2
    err = capsys.readouterr().err
    assert (
        one_line(err)
        == f"error: --weights {bad}: W[2] row 0 (shape (2, 2)): expected numbers; got '0.45'\n"
    )
    bad.write_text('{"W": [[[1.0]]], "b": [[0.0]], "X": [[1.0]], "Y": [[1.0]], "eta": 1}')
    assert reference_main(["trace", "--weights", str(bad)]) == 2
    assert "eta unknown" in capsys.readouterr().err
    bad.write_text("{'W': 1}")
    assert reference_main(["trace", "--weights", str(bad)]) == 2
    assert "is not JSON (Expecting property name" in capsys.readouterr().err


def test_several_steps_continue_from_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    out = _out(reference_main, ["trace", "mazur", "--steps", "2"], capsys)
    assert out.count("=== Step ") == 2
    second = out.split("=== Step 2 of 2 ===")[1]
    # step 2 starts from step 1's new weights: w5 = 0.35891648
    assert "z[2][0] = 0.6 + 0.35891648·" in second
    assert "(before 0.291027774" in second


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_every_format_carries_every_number_of_the_text(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _out(reference_main, ["trace", "mazur"], capsys)
    out = _out(reference_main, ["trace", "mazur", "--format", fmt], capsys)
    numbers = set(re.findall(r"\d+\.\d+(?:e[-+]\d+)?", text))
    assert numbers and all(n in out for n in numbers)
    if fmt == "latex":
        assert out.isascii() and out.startswith("\\documentclass") and "\\end{document}" in out
        body = re.sub(r"\\[{}]", "", out)
        assert body.count("{") == body.count("}")
        assert "\\(\\delta\\)[2][0] = 0.74136507\\(\\cdot\\)0.186815602" in out
    if fmt == "markdown":
        assert "### Hidden errors: BP2" in out and out.count("```") % 2 == 0


def test_html_sets_the_node_and_matrix_forms_side_by_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _out(vectorized_main, ["trace", "mazur", "--format", "html"], capsys)
    assert "<th>node by node</th><th>matrix form</th>" in out
    row = re.search(r'<tr class="bp2"[^>]*>(.*?)</tr>', out, re.S)
    assert row is not None
    node, matrix = re.findall(r"<td><pre>(.*?)</pre></td>", row.group(1), re.S)
    assert "δ[1][0] = 0.241300709·0.0363503064 = 0.00877135469" in node
    assert "[0.00877135469  0.00995425471]" in matrix


def test_ascii_spelling_covers_every_symbol_the_traces_print(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = "".join(
        _out(main, ["trace", *argv], capsys)
        for main in MAINS.values()
        for argv in (["mazur"], ["deep-bce"], ["--sizes", "3,4,2", "--activations", "tanh,softmax"])
    )
    assert formats.ascii(out).isascii()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "--weights: expected a JSON object; got list"),
        ('{"W": 1, "b": [], "X": [], "Y": []}', "--weights: W: expected a list of weight matrices"),
        (
            '{"W": [[1.0]], "b": [[0.0]], "X": [[1.0]], "Y": [[1.0]]}',
            "--weights: W[1]: expected rows of numbers",
        ),
        (
            '{"W": [[[1.0]]], "X": [[1.0]]}',
            "--weights: expected the keys W, b, X, Y and optionally activations, loss, reduction, bias, l2, learning_rate; b, Y missing",
        ),
        (
            '{"W": [[[1.0]]], "b": [[0.0]], "X": [[1.0]], "Y": [[1.0]], "activations": "relu"}',
            "activations: expected a list of names; got 'relu'",
        ),
        (
            '{"W": [[[1.0]]], "b": [[0.0]], "X": [[1.0]], "Y": [[1.0]], "loss": "hinge"}',
            "loss: expected one of",
        ),
        (
            '{"W": [[[1.0]]], "b": [[0.0]], "X": [[1.0, 2.0]], "Y": [[1.0]]}',
            "X row 0: expected 1 numbers; got 2",
        ),
        (
            '{"W": [[[1.0]]], "b": [[0.0]], "X": [[1.0]], "Y": [[1.0]], "learning_rate": -1}',
            "learning_rate",
        ),
        (
            '{"W": [[[1.0]]], "b": [[0.0]], "X": [[1.0]], "Y": [[1.0]], "l2": -0.5}',
            "l2: expected a finite number >= 0; got -0.5",
        ),
    ],
)
def test_a_bad_weights_file_is_one_line_naming_what_is_wrong(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.json"
    path.write_text(content)
    assert reference_main(["trace", "--weights", str(path)]) == 2
    err = capsys.readouterr().err
    assert one_line(err).startswith("error: --weights") and message in err, err


def test_a_weights_file_nested_beyond_the_parsers_depth_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"W": ' + "[" * 100_000 + "]" * 100_000 + ', "b": [], "X": [], "Y": []}')
    assert reference_main(["trace", "--weights", str(path)]) == 2
    err = capsys.readouterr().err
    assert one_line(err).startswith("error: --weights:") and "nests its lists too deeply" in err


def test_a_weights_folder_or_unreadable_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reference_main(["trace", "--weights", str(tmp_path)]) == 2
    assert "is a folder; expected a JSON file" in capsys.readouterr().err
    binary = tmp_path / "w.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert reference_main(["trace", "--weights", str(binary)]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert (
        reference_main(["train", "--weights", str(ROOT / "docs/mazur.json"), "--steps", "2"]) == 0
    )
    assert "final cost over the 1 sample" in capsys.readouterr().out
