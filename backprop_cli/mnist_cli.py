"""``python -m vectorized mnist`` (train on MNIST) and ``python -m vectorized download``."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from backprop_cli.options import non_negative, positive, whole
from backprop_cli.paths import writable_file, writable_folder
from backprop_cli.plot import PLOT_SUFFIXES, check_plot_path, plot_curves
from backprop_cli.progress import Progress
from backprop_data.mnist import CONFIGS, MIRROR, Config, download, ensure, load_mnist, one_hot
from backprop_data.persist import save
from reference.contract import ContractError
from reference.typeset import fold
from vectorized.arrays import init_parameters
from vectorized.training import History, fit


def add_mnist_command(sub: Any) -> None:
    """The ``mnist`` subcommand and its options, each with one meaning."""
    m = sub.add_parser("mnist", help="train a network on MNIST")
    m.add_argument(
        "--config",
        default="small",
        choices=sorted(CONFIGS),
        help="network and training: " + "; ".join(f"{k}: {c.summary}" for k, c in CONFIGS.items()),
    )
    m.add_argument(
        "--data",
        help="folder of the four MNIST files (default: $BACKPROP_MNIST_DIR, then the user cache)",
    )
    m.add_argument("--epochs", type=whole(1), help="epochs >= 1 (default: the config's)")
    m.add_argument("--batch", type=whole(1), help="mini-batch size >= 1 (default: the config's)")
    m.add_argument("--lr", type=positive, help="learning rate η > 0 (default: the config's)")
    m.add_argument(
        "--l2",
        type=non_negative,
        metavar="λ",
        help="L2 weight decay: adds (λ/2)·Σ‖W‖² to each batch's cost (default 0)",
    )
    m.add_argument("--seed", type=whole(0), default=0, help="seed >= 0 of weights and shuffling")
    m.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    m.add_argument("--save", metavar="PATH", help="write the trained network (.npz)")
    m.add_argument(
        "--plot", metavar="PATH", help=f"write cost and test error ({'|'.join(PLOT_SUFFIXES)})"
    )
    m.set_defaults(run=train_mnist)


def add_download_command(sub: Any) -> None:
    """The ``download`` subcommand."""
    d = sub.add_parser("download", help="fetch the four MNIST files, verified by MD5")
    d.add_argument("--data", help="target folder (default: $BACKPROP_MNIST_DIR, then the cache)")
    d.add_argument("--mirror", default=MIRROR, help="base URL (http, https or file) of the files")
    d.set_defaults(run=download_command)


# A batch this many times smaller or larger than the one a config's η was chosen for takes
# steps of another size: an η tuned for one is rarely right for the other.
BATCH_FACTOR = 4
# A test accuracy below this many times chance (1/10) is a network that did not learn.
CHANCE_FACTOR = 1.5


def batch_warning(cfg: Config, learning_rate: float, batch: int) -> str | None:
    """A warning, before training, for a batch far from the config's at the config's η."""
    if learning_rate != cfg.learning_rate:
        return None  # the user chose η for this batch
    ratio = batch / cfg.batch_size
    if 1 / BATCH_FACTOR < ratio < BATCH_FACTOR:
        return None
    scaled = cfg.learning_rate * ratio
    return (
        f"warning: η = {cfg.learning_rate:g} was chosen for batch {cfg.batch_size}; with batch "
        f"{batch} the mean's steps are {'noisier' if ratio < 1 else 'fewer'} and the same η may "
        f"not learn as well (try --lr {scaled:g}, η scaled with the batch)"
    )


def learning_warning(history: History, classes: int = 10) -> str | None:
    """A warning, after training, for a test accuracy near chance (the result is kept)."""
    if not history.test_accuracy:
        return None
    accuracy, chance = history.test_accuracy[-1], 1 / classes
    if accuracy >= CHANCE_FACTOR * chance:
        return None
    return (
        f"warning: the test accuracy {100 * accuracy:.1f} % is near chance "
        f"({100 * chance:.0f} % for {classes} classes): the network did not learn "
        "(saturated by too large an η?); lower --lr"
    )


def train_mnist(args: argparse.Namespace) -> int:
    """Train a config on MNIST, printing per-epoch cost and test accuracy."""
    save_to = writable_file("--save", args.save, (".npz",)) if args.save else None
    plot_to = check_plot_path(args.plot) if args.plot else None
    cfg = CONFIGS[args.config]
    if args.l2 is not None:
        cfg = replace(cfg, arch=replace(cfg.arch, l2=args.l2))
    lr = cfg.learning_rate if args.lr is None else args.lr
    batch = cfg.batch_size if args.batch is None else args.batch
    epochs = cfg.epochs if args.epochs is None else args.epochs
    data = load_mnist(args.data, np.dtype(args.dtype))
    print(
        f"MNIST {args.config}: {cfg.arch.describe()}, η = {lr:g}, batch {batch}, {epochs} epochs, "
        f"{args.dtype}, seed {args.seed}"
    )
    warning = batch_warning(cfg, lr, batch)
    if warning:
        print("\n".join(fold(warning)), file=sys.stderr)
    params = init_parameters(cfg.arch, args.seed, dtype=args.dtype)
    bar = Progress(1, "training")

    def report(epoch: int, h: History) -> None:
        bar.clear()
        print(
            f"  epoch {epoch + 1}: training cost {h.train_cost[-1]:.6f}, "
            f"test accuracy {100 * h.test_accuracy[-1]:.2f} %, {h.seconds[-1]:.2f} s"
        )

    with bar:
        history = fit(
            cfg.arch,
            params,
            data.train_images,
            one_hot(data.train_labels, dtype=args.dtype),
            lr,
            epochs,
            batch,
            args.seed,
            test=(data.test_images, data.test_labels),
            on_step=bar.follow,
            on_epoch=report,
        )
    warning = learning_warning(history)
    if warning:
        print("\n".join(fold(warning)), file=sys.stderr)
    if save_to is not None:
        print(f"network written to {save(save_to, cfg.arch, params)}")
    if plot_to is not None:
        path = plot_curves(
            plot_to,
            f"MNIST {cfg.arch.describe()}",
            {
                "training cost": history.train_cost,
                "test error": [1 - a for a in history.test_accuracy],
            },
            "epoch",
            "cost C; test error (fraction wrong)",
            start=1,
        )
        print(f"curves written to {path}")
    return 0


def fetch_mnist() -> Path:
    """The MNIST folder of the one lookup, downloaded there (verified, with a progress bar
    on stderr) when the files are missing; IdxError in one line when that fails."""
    with Progress(1, "MNIST download", after=0.5) as bar:
        return ensure(on_progress=bar.follow)


def check_mirror(url: str) -> str:
    """A base URL with a scheme the download can use."""
    parts = urllib.parse.urlparse(url)
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path):
        raise ContractError(
            f"--mirror: expected an http, https or file URL like {MIRROR}; got {url!r}"
        )
    return url


def download_command(args: argparse.Namespace) -> int:
    """Fetch and verify the four files, with a progress bar."""
    mirror = check_mirror(args.mirror)
    if args.data is not None:
        writable_folder("--data", args.data)
    with Progress(1, "download", after=0.5) as bar:
        where = download(args.data, mirror, on_progress=bar.follow)
    print(f"MNIST verified in {where}")
    return 0
