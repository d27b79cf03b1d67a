"""``python -m vectorized train mnist`` and ``python -m vectorized download``."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from reference.contract import ContractError
from vectorized.arrays import init_parameters
from vectorized.mnist import CONFIGS, download, load_mnist, one_hot
from vectorized.persist import save
from vectorized.plot import plot_curves
from vectorized.sgd import History, fit


def add_mnist_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``train mnist`` (the others of ``train`` apply too: --lr, --batch, --seed)."""
    p.add_argument(
        "--config",
        default="seed004",
        choices=sorted(CONFIGS),
        help="network and training (default seed004)",
    )
    p.add_argument(
        "--data",
        help="directory of the four MNIST files (default: $BACKPROP_MNIST_DIR, then the cache)",
    )
    p.add_argument("--epochs", type=int, help="epochs (default: the config's)")
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    p.add_argument("--save", metavar="PATH", help="write the trained network as .npz")


def train_mnist(args: argparse.Namespace) -> int:
    """Train a config on MNIST, printing per-epoch cost and test accuracy."""
    cfg = CONFIGS[args.config]
    lr = cfg.learning_rate if args.lr is None else args.lr
    batch = cfg.batch_size if args.batch is None else args.batch
    epochs = cfg.epochs if args.epochs is None else args.epochs
    if epochs < 1 or batch < 1:
        raise ContractError(
            f"--epochs and --batch: expected whole numbers >= 1; got {epochs} and {batch}"
        )
    data = load_mnist(args.data, np.dtype(args.dtype))
    print(
        f"MNIST {args.config}: {cfg.arch.describe()}, η = {lr:g}, batch {batch}, {epochs} epochs, "
        f"{args.dtype}, seed {args.seed}"
    )
    params = init_parameters(cfg.arch, args.seed, dtype=args.dtype)

    def report(epoch: int, h: History) -> None:
        print(
            f"  epoch {epoch + 1}: training cost {h.train_cost[-1]:.6f}, "
            f"test accuracy {100 * h.test_accuracy[-1]:.2f} %, {h.seconds[-1]:.2f} s"
        )

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
        on_epoch=report,
    )
    if args.save:
        print(f"network written to {save(args.save, cfg.arch, params)}")
    if args.plot:
        path = plot_curves(
            args.plot,
            f"MNIST {cfg.arch.describe()}",
            {
                "training cost": history.train_cost,
                "test error": [1 - a for a in history.test_accuracy],
            },
            "epoch",
        )
        print(f"curves written to {path}")
    return 0


def download_command(args: argparse.Namespace) -> int:
    """Fetch and verify the four files."""
    where = download(args.data, args.mirror)
    print(f"MNIST verified in {Path(where)}")
    return 0
