"""Deflate bombs (issue 27, class 2): a small .npz may declare gigabytes of zeros. nl.load, the data
cache and checkpoints judge a file by what its .npy headers declare — against the architecture, the
published set's sizes, the model and optimizer — before anything is decompressed, and each refusal
is measured with tracemalloc."""

import json
import tracemalloc
import zipfile

import numpy as np
import pytest

import nablab as nl
from nablab.optim import SGD


def bomb(path, arrays: dict, zeros: dict):
    """An .npz holding ``arrays`` as np.savez writes them, and for each name of ``zeros`` an array of
    that (shape, dtype) of zeros, deflated while it is streamed (never held in memory here)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, a in arrays.items():
            with z.open(f"{name}.npy", "w") as f:
                np.lib.format.write_array(f, np.asarray(a))
        for name, (shape, dtype) in zeros.items():
            with z.open(f"{name}.npy", "w", force_zip64=True) as f:
                np.lib.format.write_array_header_1_0(f, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
                                                        "fortran_order": False, "shape": shape})
                left, chunk = int(np.prod(shape)) * np.dtype(dtype).itemsize, bytes(1 << 20)
                while left:
                    f.write(chunk[:min(left, len(chunk))])
                    left -= min(left, len(chunk))
    return path


def peak_of(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_model_file_larger_than_memory_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """A matching architecture of Linear(4000, 4000) in float64 (128 MB of zeros, a file of 0.1 MB):
    with 64 MiB available it is refused naming the memory needed, having read only headers (it used
    to read 2 × what the file declares: 6.1 GB for a 1.5 MB file of 20000 × 20000)."""
    monkeypatch.setenv("NABLAB_MEMORY_LIMIT", str(64 * 2**20))
    meta = {"format": "nablab-model", "format_version": 1, "architecture": {"type": "Sequential", "layers": [
        {"type": "Linear", "config": {"in_features": 4000, "out_features": 4000}}]}}
    path = bomb(tmp_path / "big.npz", {"__nablab__": np.frombuffer(json.dumps(meta).encode(), np.uint8),
                                       "0.b": np.zeros(4000)}, {"0.W": ((4000, 4000), np.float64)})
    assert path.stat().st_size < 2**20

    def load():
        with pytest.raises(nl.ConfigError, match=r"needs about 244 MiB of memory; this machine has 64 MiB"):
            nl.load(path)
    assert peak_of(load) < 8 * 2**20


def test_a_model_files_meta_cannot_be_a_bomb(tmp_path):
    path = bomb(tmp_path / "meta.npz", {}, {"__nablab__": ((200 * 2**20,), np.uint8)})

    def load():
        with pytest.raises(nl.DataError, match=r"__nablab__ declares .* at most 67,108,864 bytes"):
            nl.load(path)
    assert peak_of(load) < 8 * 2**20


def test_a_cache_entry_declaring_more_than_any_published_set_is_passed_over(tmp_path, monkeypatch):
    """A cache mnist.npz declaring (100000, 28, 28) images (78 MB of zeros in a small file; the issue's
    (2,500,000, 28, 28) took 1.96 GB before it was refused): refused from its header."""
    from nablab.data import cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "nablab").mkdir()
    path = bomb(tmp_path / "nablab" / "mnist.npz", {"meta": np.frombuffer(b"{}", np.uint8)},
                {"x_train": ((100000, 28, 28), np.uint8)})

    def load():
        with pytest.raises(nl.DataError, match=r"x_train declares \(100000, 28, 28\).*at most 47,040,016"):
            cache.load("mnist")
    assert peak_of(load) < 8 * 2**20


def test_a_checkpoint_declaring_other_shapes_is_refused_before_it_is_read(tmp_path):
    """A checkpoint whose model/0.W declares (3000, 3000) for a (4, 3) model (72 MB of zeros; the
    issue's 1.7 MB file took 1.6 GB): refused from the header, with the way out."""
    from nablab.train.checkpoint import load_checkpoint
    model = nl.Sequential(nl.Linear(4, 3))
    path = bomb(tmp_path / "checkpoint.npz", {"__meta__": np.frombuffer(b"{}", np.uint8)},
                {"model/0.W": ((3000, 3000), np.float64)})

    def load():
        with pytest.raises(nl.DataError, match=r"model/0.W declares \(3000, 3000\); this model and optimizer "
                                               r"hold \(4, 3\)\); delete it"):
            load_checkpoint(path, model=model, optimizer=SGD(model.parameters(), lr=0.1))
    assert peak_of(load) < 8 * 2**20


def test_an_unsupported_zip_compression_is_one_line(tmp_path):
    """A member stored with a compression method Python's zipfile does not know (98, PPMd): np.load's
    NotImplementedError used to end in a traceback; it is a DataError naming the method."""
    path = tmp_path / "ppmd.npz"
    np.savez(path, __nablab__=np.frombuffer(b"{}", np.uint8))
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[8:10] = data[central + 10:central + 12] = (98).to_bytes(2, "little")   # local and central headers
    path.write_bytes(bytes(data))
    with pytest.raises(nl.DataError, match="compression method 98"):
        nl.load(path)


def test_a_cache_entry_with_deeply_nested_meta_is_passed_over(tmp_path, monkeypatch):
    """Metadata nested 100,000 deep (RecursionError from json before) is a damaged entry, one line."""
    from nablab.data import cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "nablab").mkdir()
    np.savez(tmp_path / "nablab" / "mnist.npz", meta=np.frombuffer(b"[" * 100000 + b"]" * 100000, np.uint8))
    with pytest.raises(nl.DataError, match="damaged cache entry"):
        cache.load("mnist")
