"""The performance page is generated from a benchmark JSON, never typed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backprop_cli import performance
from backprop_cli.vectorized_cli import main
from reference.contract import ContractError

ROOT = Path(__file__).resolve().parents[1]

RUN = {
    "datetime": "2026-11-30T19:00:00",
    "environment": {"cpus": "2", "numpy": "2.4.6", "blas": "openblas 0.3.31", "blas threads": "2"},
    "speedup": [
        {
            "config": "784-40-10 N=128 (MNIST small)",
            "disturbed": [],
            "fast_loop_step_median_s": 0.3,
            "reference_maths_step_median_s": 0.4,
            "reference_step_median_s": 0.45,
            "workspace_float64_step_median_s": 0.0003,
            "workspace_float32_step_median_s": 0.0002,
            "speedup_over_fast_loop": 1000.0,
            "speedup_over_maths": 1333.3,
            "speedup_workspace_float64": 1500.0,
            "step_over_floor_float64": 1.34,
        },
        {
            "config": "64-16-10 N=1 (sweep)",
            "disturbed": ["workspace-float64 IQR 0.6x its median"],
            "workspace_float64_step_median_s": 3e-5,
        },
    ],
    "paired_ratios": [
        {
            "ratio": "step / fewest-calls step, 784-40-10 N=20 float64",
            "value": 1.09,
            "target": "<= 1.1",
        },
        {
            "ratio": "softmax MNIST epoch beside a busy NumPy process / alone (1 BLAS thread)",
            "value": 1.0,
            "target": "≤ 1.5x",
        },
    ],
}


def _readme(tmp_path: Path) -> Path:
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n{performance.BEGIN}\nold\n{performance.END}\n\nrest\n", encoding="utf-8"
    )
    return readme


def test_the_page_and_the_readme_block_come_from_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "out.json"
    source.write_text(json.dumps(RUN), encoding="utf-8")
    readme, page = _readme(tmp_path), tmp_path / "performance.md"
    assert main(["performance", str(source), "--page", str(page), "--readme", str(readme)]) == 0
    assert capsys.readouterr().out.count("written: ") == 3
    text = page.read_text(encoding="utf-8")
    assert "from the run of 2026-11-30" in text and "openblas 0.3.31, blas threads 2" in text
    assert (
        "| 784-40-10 N=128 (MNIST small) | 300 ms | 400 ms | 450 ms | 300 us | 200 us | 1000.0x |"
        in text
    )
    assert "| step / fewest-calls step, 784-40-10 N=20 float64 | 1.09x | <= 1.1 |" in text
    assert "Disturbed in this run (not results): 64-16-10 N=1 (sweep)" in text
    block = readme.read_text(encoding="utf-8")
    assert "old" not in block and block.endswith(f"{performance.END}\n\nrest\n")
    assert "the trainer is 1000x the fastest loop we wrote, 1333x the reference's loops" in block
    assert "its epoch beside a busy NumPy process: 1.00x its quiet time" in block
    again = tmp_path / "again.md"
    performance.generate(page.with_suffix(".json"), again, None)  # the page's own JSON
    assert again.read_text(encoding="utf-8") == text
    notes = f"{performance.NOTES}\n## Lab notes\n\nby hand, 2026-12-01\n"
    page.write_text(text + "\n" + notes, encoding="utf-8")
    performance.generate(source, page, None)  # a new run keeps the hand-written notes
    assert page.read_text(encoding="utf-8") == text + "\n" + notes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable benchmark JSON"),
        ("[1, 2]", "expected a JSON object; got list"),
        ('{"speedup": []}', "missing paired_ratios, environment"),
    ],
)
def test_a_json_that_is_not_a_benchmark_run_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "out.json"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(ContractError, match=message):
        performance.generate(source, tmp_path / "p.md", None)


def test_bad_arguments_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["performance", str(tmp_path / "none.json")]) == 2
    assert "is not a file; run pytest --benchmark-only" in capsys.readouterr().err
    source = tmp_path / "out.json"
    source.write_text(json.dumps(RUN), encoding="utf-8")
    bare = tmp_path / "README.md"
    bare.write_text("# no markers\n", encoding="utf-8")
    page = tmp_path / "p.md"
    assert main(["performance", str(source), "--page", str(page), "--readme", str(bare)]) == 2
    assert "expected the markers" in capsys.readouterr().err and not page.exists()


def test_the_committed_page_is_what_its_json_generates() -> None:
    data = json.loads((ROOT / "docs" / "performance.json").read_text(encoding="utf-8"))
    committed = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    generated, notes = committed.split(performance.NOTES, 1)
    assert generated == performance.page(data) + "\n\n" and notes.startswith("\n## Lab notes")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{performance.BEGIN}\n{performance.headline(data)}\n{performance.END}" in readme
