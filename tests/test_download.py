"""The download helper, against a local HTTP server started by the test (never the internet)."""

from __future__ import annotations

import hashlib
import http.server
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from backprop_cli.vectorized_cli import main
from backprop_data.idx import IdxError
from backprop_data.mnist import ENV, FILES, download, ensure, load_mnist, missing
from tests.mnist_data import fake_mnist, real_mnist_dir
from tests.streams import one_line


class _Handler(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    lie_about_length: ClassVar[set[str]] = set()
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        self.requests.append(name)
        body = self.files.get(name)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        claimed = len(body) + 1000 if name in self.lie_about_length else len(body)
        self.send_header("Content-Length", str(claimed))
        self.end_headers()
        self.wfile.write(body)  # the connection then closes short of the claimed length

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"files": {}, "lie_about_length": set(), "requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/mnist/", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _table(contents: dict[str, bytes]) -> dict[str, tuple[str, str, str]]:
    return {stem: (stem, hashlib.md5(body).hexdigest(), "") for stem, body in contents.items()}


def test_files_arrive_verified_and_good_ones_are_kept(
    server: tuple[str, type[_Handler]], tmp_path: Path
) -> None:
    url, handler = server
    contents = {"a-idx1-ubyte": b"first file", "b-idx3-ubyte": b"second file" * 1000}
    handler.files = {f"{k}.gz": v for k, v in contents.items()}
    assert download(tmp_path, url, _table(contents)) == tmp_path
    for stem, body in contents.items():
        assert (tmp_path / f"{stem}.gz").read_bytes() == body
    download(tmp_path, url, _table(contents))
    assert handler.requests == ["a-idx1-ubyte.gz", "b-idx3-ubyte.gz"]  # nothing fetched twice
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-idx1-ubyte.gz", "b-idx3-ubyte.gz"]


def test_a_wrong_md5_is_refused_and_deleted(
    server: tuple[str, type[_Handler]], tmp_path: Path
) -> None:
    url, handler = server
    handler.files = {"a.gz": b"tampered"}
    with pytest.raises(
        IdxError, match=r"a.gz: MD5 [0-9a-f]{32} differs from the published 0{32}; file discarded"
    ):
        download(tmp_path, url, {"a": ("a", "0" * 32, "")})
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_download_leaves_nothing(
    server: tuple[str, type[_Handler]], tmp_path: Path
) -> None:
    url, handler = server
    handler.files = {"a.gz": b"x" * 5000}
    handler.lie_about_length = {"a.gz"}
    with pytest.raises(IdxError, match=r"download failed .*nothing kept"):
        download(tmp_path, url, _table({"a": b"x" * 5000}))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_on_the_server(server: tuple[str, type[_Handler]], tmp_path: Path) -> None:
    url, _ = server
    with pytest.raises(IdxError, match=r"a.gz: download failed .*404"):
        download(tmp_path, url, {"a": ("a", "0" * 32, "")})
    assert list(tmp_path.iterdir()) == []


def test_download_command_reports_errors_in_one_line(
    server: tuple[str, type[_Handler]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = server
    assert main(["download", "--data", str(tmp_path), "--mirror", url]) == 2
    err = capsys.readouterr().err
    line = one_line(err)
    assert line.startswith("error: ") and "train-images-idx3-ubyte.gz: download failed" in line


def _fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user with an empty cache and no BACKPROP_MNIST_DIR: a bare clone's situation."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv(ENV, raising=False)
    return home


def test_fetch_then_test_from_an_empty_cache(
    server: tuple[str, type[_Handler]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = real_mnist_dir()  # the canonical files, served by a local mirror
    url, handler = server
    handler.files = {
        f"{stem}.gz": (real / f"{stem}.gz").read_bytes() for stem, _, _ in FILES.values()
    }
    home = _fresh_home(tmp_path, monkeypatch)
    where = ensure(mirror=url)
    assert where == home / ".cache" / "backprop-verify" / "mnist"
    data = load_mnist()  # the one lookup finds them in the cache, MD5-checked
    assert data.train_images.shape == (60000, 784) and data.test_labels.shape == (10000,)
    handler.requests.clear()
    assert ensure(mirror=url) == where and handler.requests == []  # nothing fetched twice


def test_an_unreachable_mirror_fails_in_one_line_naming_both_remedies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _fresh_home(tmp_path, monkeypatch)
    with pytest.raises(IdxError) as info:
        ensure(mirror="http://127.0.0.1:9/mnist/", on_progress=None)  # port 9: nothing listens
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(
        f"MNIST files not found in {home / '.cache' / 'backprop-verify' / 'mnist'}"
    )
    assert f"set {ENV} to a folder holding the four files" in text
    assert "python -m vectorized download" in text
    assert not (home / ".cache").exists()  # nothing partial, not even the folders it made


def test_uncompressed_files_are_found_by_the_same_lookup(tmp_path: Path) -> None:
    fake_mnist(tmp_path, compress=False)
    assert missing(tmp_path) == []
    assert load_mnist(tmp_path, verify=False).train_images.shape == (30, 784)


def test_downloaded_files_get_the_usual_permissions(
    server: tuple[str, type[_Handler]], tmp_path: Path
) -> None:
    url, handler = server
    handler.files = {"a.gz": b"alpha"}
    old = os.umask(0o022)
    try:
        download(tmp_path, url, _table({"a": b"alpha"}))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.gz").stat().st_mode) == 0o644


def test_offline_each_mnist_test_fails_in_one_line_and_the_download_is_tried_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests import mnist_data

    calls: list[int] = []

    def offline() -> Path:
        calls.append(1)
        raise IdxError("MNIST files not found; the download failed")

    monkeypatch.setattr(mnist_data, "fetch_mnist", offline)
    mnist_data._lookup.cache_clear()
    try:
        for _ in range(3):
            with pytest.raises(pytest.fail.Exception) as failed:
                mnist_data.real_mnist_dir()
            assert str(failed.value) == "MNIST files not found; the download failed"
            assert failed.value.__context__ is None  # no "During handling of the above…"
        assert calls == [1]
    finally:
        mnist_data._lookup.cache_clear()
