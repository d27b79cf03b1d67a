"""What both command lines share: the parser, the options that name a network, and checks
of the user's paths and numbers made before any work starts (standard library only, so
``python -m reference`` runs without NumPy)."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NoReturn, TextIO

from backprop_cli import plot, progress, weights_json
from backprop_cli.formats import FORMATS, ascii, render
from backprop_cli.paths import writable_file
from backprop_cli.picture import elements, step_svg
from backprop_data.examples import EXAMPLES, SEEDED, Example, custom, example
from backprop_data.files import Terminated, write_text
from reference.contract import (
    ACTIVATIONS,
    BIAS_MODES,
    LOSSES,
    REDUCTIONS,
    Architecture,
    ContractError,
    DivergenceError,
    Parameters,
    batches,
    check_learning_rate,
)
from reference.network import apply_update, backward
from reference.typeset import Section, fold, num, vector

# The options that describe a network of one's own; refused beside an example's name.
ARCHITECTURE_OPTIONS = ("sizes", "activations", "loss", "reduction", "bias", "samples")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}\n")


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


def comma_ints(text: str) -> tuple[int, ...]:
    """``2,3,1`` → (2, 3, 1)."""
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, like 2,3,1; got {text!r}"
        ) from None


def whole(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}; got {text!r}")
        return value

    return parse


def positive(text: str) -> float:
    """An argparse type: a positive finite number (inf, nan, 0 and negatives refused)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive finite number; got {text!r}")
    return value


def non_negative(text: str) -> float:
    """An argparse type: a finite number >= 0 (inf, nan and negatives refused)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0; got {text!r}")
    return value


def add_network_arguments(p: argparse.ArgumentParser) -> None:
    """EXAMPLE, or a network of one's own (--sizes, --activations, …), and --lr, --seed."""
    p.add_argument(
        "example", nargs="?", metavar="EXAMPLE", help=f"one of {', '.join(EXAMPLES)}; or --sizes"
    )
    p.add_argument(
        "--sizes", type=comma_ints, metavar="N0,N1,…", help="layer sizes n_0..n_L, e.g. 2,3,1"
    )
    p.add_argument(
        "--activations",
        type=_names,
        metavar="A1,…",
        help=f"one per layer after the input, each {'|'.join(ACTIVATIONS)} (softmax on the "
        "output only; default sigmoid)",
    )
    p.add_argument("--loss", choices=LOSSES, help="with --sizes (default half_squared_error)")
    p.add_argument(
        "--reduction", choices=REDUCTIONS, help="over the batch, with --sizes (default mean)"
    )
    p.add_argument("--bias", choices=BIAS_MODES, help="with --sizes (default on)")
    p.add_argument(
        "--samples", type=whole(1), help="random samples of data, with --sizes (default 4)"
    )
    p.add_argument("--lr", type=positive, help="learning rate η > 0 (default: the example's)")
    p.add_argument(
        "--l2",
        type=non_negative,
        metavar="λ",
        help="L2 weight decay: adds (λ/2)·Σ‖W‖² to the cost (default: the example's, 0)",
    )
    p.add_argument(
        "--seed",
        type=whole(0),
        help=f"seed >= 0 of the parameters and data, for --sizes and {', '.join(SEEDED)}",
    )
    p.add_argument(
        "--weights",
        metavar="FILE",
        help="a network's weights and samples as JSON (keys W, b, X, Y; optionally "
        "activations, loss, reduction, bias, l2, learning_rate), instead of EXAMPLE",
    )


def add_train_command(sub: Any, run: Callable[[argparse.Namespace], int]) -> Any:
    """``train EXAMPLE`` or ``train --sizes …``, with --steps; returns its parser."""
    t = sub.add_parser("train", help="train a worked example or a network of your own")
    add_network_arguments(t)
    t.add_argument("--steps", type=whole(1), help="training steps >= 1 (default: the example's)")
    t.set_defaults(run=run)
    return t


def add_trace_command(sub: Any, run: Callable[[argparse.Namespace], int], how: str) -> Any:
    """``trace EXAMPLE`` or ``trace --sizes …``, with --max-nodes, --steps, --format and
    --picture; returns its parser."""
    r = sub.add_parser("trace", help=f"print one step {how}")
    add_network_arguments(r)
    r.add_argument(
        "--max-nodes",
        type=whole(1),
        default=6,
        help="nodes, weights and samples shown per layer, >= 1 (default 6)",
    )
    r.add_argument(
        "--steps", type=whole(1), default=1, help="steps traced one after another (default 1)"
    )
    r.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), markdown, latex (a document), or html (a page"
        + (", the node and matrix forms side by side)" if "matrix" in how else ")"),
    )
    r.add_argument(
        "--picture",
        metavar="PATH",
        help="also draw the first step as a picture: PATH.svg, or PATH.png with the plot extra "
        "(networks of up to 8 nodes a layer)",
    )
    r.set_defaults(run=run)
    return r


Step = tuple[Parameters, list[list[float]], list[list[float]]]


def traced_steps(args: argparse.Namespace) -> tuple[Example, list[Step]]:
    """For ``trace``: the example (its picture drawn first if --picture asks) and, for each
    of --steps steps, the parameters before it and its batch, as ``train`` would take them."""
    ex = resolve(args)
    if args.picture:
        draw_picture(args, ex)
    plan = batches(range(len(ex.X)), ex.batch_size or len(ex.X))
    params, out = ex.params, []
    for t in range(args.steps):
        X = [ex.X[n] for n in plan[t % len(plan)]]
        Y = [ex.Y[n] for n in plan[t % len(plan)]]
        out.append((params, X, Y))
        params = apply_update(ex.arch, params, backward(ex.arch, params, X, Y), ex.learning_rate)
    return ex, out


def print_trace(
    args: argparse.Namespace, ex: Example, columns: list[tuple[str, list[list[Section]]]]
) -> None:
    """Print the traced steps in --format, with the example's note after the last step."""
    if ex.note:
        columns[0][1][-1].append(Section("note", "Note", (ex.note,)))
    print(render(args.format, columns), end="" if args.format != "text" else "\n")


def draw_picture(args: argparse.Namespace, ex: Example) -> None:
    """Write the pictured step of ``trace --picture PATH`` (the example's first batch)."""

    target = writable_file("--picture", args.picture, (".svg", ".png"))
    n = ex.batch_size or len(ex.X)
    pic = elements(ex.arch, ex.params, ex.X[:n], ex.Y[:n], ex.learning_rate)
    if target.suffix.lower() == ".png":
        plot.require_matplotlib("--picture PATH.png")
        plot.step_png(target, pic)
    else:
        write_text(target, step_svg(pic))
    print(f"picture written to {target}")


def main_of(parser: Callable[[], argparse.ArgumentParser]) -> Callable[[list[str]], int]:
    """A command line's ``main``: parse, run, and turn bad input into one line and status 2."""

    def main(argv: list[str]) -> int:
        args = parser().parse_args(argv)
        status: int = run(args.run, args)
        return status

    return main


def resolve(args: argparse.Namespace) -> Example:
    """The example named on the command line, or one of the user's own, with --lr/--steps."""
    given = [f"--{o}" for o in ARCHITECTURE_OPTIONS if getattr(args, o) is not None]
    if args.weights is not None:
        if args.example is not None or given or args.seed is not None:
            extra = [repr(args.example)] if args.example is not None else []
            extra += given + (["--seed"] if args.seed is not None else [])
            raise ContractError(
                f"--weights: the file describes the whole network and its data, so it goes "
                f"alone; got {', '.join(extra)} beside it"
            )
        ex = weights_json.load(args.weights)
    elif args.example is not None:
        if given:
            raise ContractError(
                f"{', '.join(given)}: describe a network of your own, so they go with --sizes, "
                f"not with the example {args.example!r}"
            )
        if args.seed is not None and args.example not in SEEDED:
            raise ContractError(
                f"--seed: the example {args.example!r} starts from published numbers, so a seed "
                f"changes nothing; it applies to {', '.join(SEEDED)} and --sizes"
            )
        try:
            ex = example(args.example, args.seed or 0)
        except ValueError as exc:
            raise ContractError(str(exc)) from None
    elif args.sizes is None:
        raise ContractError(f"expected an example ({', '.join(EXAMPLES)}) or --sizes; got neither")
    else:
        acts = args.activations or ("sigmoid",) * (len(args.sizes) - 1)
        arch = Architecture(
            args.sizes,
            acts,
            args.loss or "half_squared_error",
            args.reduction or "mean",
            args.bias or "on",
        )
        check_memory(arch, args.samples or 4)
        ex = custom(arch, args.seed or 0, args.samples or 4)
    if args.lr is not None:
        ex = replace(ex, learning_rate=check_learning_rate(args.lr))
    if args.l2 is not None:
        ex = replace(ex, arch=replace(ex.arch, l2=args.l2))
    if getattr(args, "steps", None) is not None:
        ex = replace(ex, steps=args.steps)
    return ex


# A reference float in a list costs a 24-byte object and an 8-byte pointer; the commands
# hold about four copies of the parameters (W, ∂C/∂W, the new W, the trace's bound).
BYTES_PER_WEIGHT = 4 * 32


def check_memory(arch: Architecture, samples: int, option: str = "--sizes") -> None:
    """Refuse a network whose parameters would not fit in half of this machine's memory."""
    count = sum(arch.sizes[l] * (arch.sizes[l - 1] + 1) for l in range(1, arch.L + 1))
    need = BYTES_PER_WEIGHT * (count + samples * sum(arch.sizes))
    try:
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux
        have = 8 << 30
    if need > have // 2:
        shape = "-".join(map(str, arch.sizes))
        raise ContractError(
            f"{option}: {shape} has {count:,} parameters, about {need / 2**30:.1f} GiB as Python "
            f"lists; expected at most half of this machine's {have / 2**30:.1f} GiB"
        )


def forecast(ex: Example, stream: TextIO | None = None, after: float = 2.0) -> float:
    """The run's time, from one sample's forward and backward pass timed here, and its
    memory, as check_memory counts it; said on ``stream`` (stderr) when the time is
    ``after`` seconds or more. Returns the estimated seconds."""
    start = time.perf_counter()
    backward(ex.arch, ex.params, ex.X[:1], ex.Y[:1])
    per_sample = time.perf_counter() - start
    batch = ex.batch_size or len(ex.X)
    seconds = per_sample * (batch * ex.steps + len(ex.X))  # the steps, then the final cost
    if seconds >= after:
        count = sum(ex.arch.sizes[l] * (ex.arch.sizes[l - 1] + 1) for l in range(1, ex.arch.L + 1))
        memory = BYTES_PER_WEIGHT * (count + len(ex.X) * sum(ex.arch.sizes))
        said = (
            f"estimated: about {_duration(seconds)} ({batch:,} samples a step × {ex.steps:,} "
            f"steps at {1000 * per_sample:.2g} ms a sample) and {memory / 2**30:.2g} GiB as "
            "Python lists; python -m vectorized train runs the same steps in far less"
        )
        print("\n".join(fold(said)), file=sys.stderr if stream is None else stream)
    return seconds


def _duration(seconds: float) -> str:
    """3 s, 4 min, 2.5 h."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def report_every(steps: int) -> int:
    """Print the cost about ten times in a run."""
    return max(1, steps // 10)


def announce(ex: Example) -> Callable[[int, float], None]:
    """Print the run's heading; return the ``on_step`` that prints the cost ten times."""
    every = report_every(ex.steps)
    eta = num(ex.learning_rate)
    heading = f"{ex.name} ({ex.source}): {ex.arch.describe()}, η = {eta}, {ex.steps} steps"
    print("\n".join(fold(heading)))

    def show(step: int, c: float) -> None:
        if step % every == 0:
            print(f"  step {step:>6}  cost {num(c)}")

    return show


def report_outputs(
    ex: Example, final_cost: float, outputs: list[list[float]], limit: int = 8
) -> None:
    """The final cost over the whole set and, for the first ``limit`` samples, output and target."""
    noun = "sample" if len(ex.X) == 1 else "samples"
    print(f"final cost over the {len(ex.X)} {noun}: {num(final_cost)}")
    print("final outputs (input -> output, target):")
    for x, out, y in list(zip(ex.X, outputs, ex.Y, strict=True))[:limit]:
        # wide vectors elided symmetrically, as the traces do, and folded to the terminal
        line = f"  {vector(x, 6)} -> {vector(out, 6)}, target {vector(y, 6)}"
        print("\n".join(fold(line)))
    if len(ex.X) > limit:
        print(f"  … {len(ex.X) - limit} more samples")
    if ex.note:
        print("\n".join(fold(f"note: {ex.note}")))


def run(main: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command: bad input or a diverged run is one line on stderr and exit status 2;
    Ctrl-C is one line and status 130. An output that cannot encode the traces' symbols
    gets them spelled in ASCII (δ as delta, · as *), anything else as an escape."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (_Plain.wrap(s) for s in streams)
    try:
        return _run(main, args)
    finally:
        sys.stdout, sys.stderr = streams


class _Plain:
    """A text stream that spells the traces' symbols in ASCII before writing them."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    @classmethod
    def wrap(cls, stream: Any) -> Any:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
        try:
            "δΣ·−∂ℓ←…‖²½ᵀφη".encode(getattr(stream, "encoding", None) or "ascii")
        except (UnicodeEncodeError, LookupError):
            return cls(stream)
        return stream

    def write(self, s: str) -> int:
        return int(self.stream.write(ascii(s)))

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


# The status of a command whose reader closed the pipe: 128 + SIGPIPE, as a shell reports a
# Unix tool that SIGPIPE ended.
PIPE_CLOSED = 141


def _run(main: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        progress.settings(os.environ)  # a bad BACKPROP_PROGRESS is refused before any work
        status = main(args)
        sys.stdout.flush()  # a closed pipe is found here, not at the interpreter's exit
        return status
    except BrokenPipeError:  # the reader left (`| head`): end quietly, as Unix tools do
        with contextlib.suppress(OSError, AttributeError, ValueError):  # no real stdout
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())  # type: ignore[union-attr]
        return PIPE_CLOSED
    except (ContractError, DivergenceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: stopped before finishing; nothing was written", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated: stopped before finishing; nothing was written", file=sys.stderr)
        return 143
