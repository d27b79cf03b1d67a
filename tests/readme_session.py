"""The check session on the README's first screen: run for real, cut by one rule, and kept
equal to what the command prints today (tests/test_readme.py).

    python -m tests.readme_session      # rewrite the README's block from a real run
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN, END = "<!-- check-session:begin -->", "<!-- check-session:end -->"
# A module written the way published code is (X @ W over rows), with one planted mistake.
COMMAND = ["python", "-m", "backprop_verify", "check", "tests.gallery.bug_sum_not_mean"]
# The one figure that changes from run to run: how long the check took.
SECONDS = re.compile(r"(applicable properties hold; )\d+(\.\d+)? s\)")


def output() -> tuple[int, str]:
    """The command's exit status and what it prints, as a UTF-8 terminal shows it."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "BACKPROP_PROGRESS": "off"}
    done = subprocess.run(
        [sys.executable, *COMMAND[1:]], capture_output=True, text=True, env=env, cwd=ROOT
    )
    return done.returncode, done.stdout


def cut(text: str) -> str:
    """Everything up to the second failure, then how many failures were left out, then the
    verdict: the table, the first failure with its diagnosis and the node-by-node trace."""
    lines = text.rstrip("\n").splitlines()
    heads = [k for k, line in enumerate(lines) if line.startswith("FAIL: ")]
    if len(heads) < 2:
        return "\n".join(lines)
    kept = lines[: heads[1]]
    while kept and not kept[-1].strip():
        kept.pop()
    more = len(heads) - 1
    return "\n".join([*kept, f"…  ({more} more failures, cut here)", "", lines[-1]])


def block(status: int, text: str) -> str:
    """The README's block: the command, its output cut, and its exit status."""
    return f"{BEGIN}\n```text\n$ {' '.join(COMMAND)}\n{cut(text)}\n$ echo $?\n{status}\n```\n{END}"


def normalized(text: str) -> str:
    """``text`` with the check's duration left out."""
    return SECONDS.sub(r"\1… s)", text)


def current() -> str:
    """The block as the README holds it now."""
    readme = README.read_text(encoding="utf-8")
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[start:end]


def write() -> None:
    """Rewrite the README's block from a real run of the command."""
    readme = README.read_text(encoding="utf-8")
    README.write_text(readme.replace(current(), block(*output())), encoding="utf-8")


if __name__ == "__main__":
    write()
