"""Builders of small, valid IDX files and datasets for the data tests."""

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np

from nablab.data.specs import DatasetSpec, FileSpec

TYPE_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B,
              np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(a: np.ndarray) -> bytes:
    """The IDX encoding of ``a`` (big-endian values)."""
    big = a.astype(a.dtype.newbyteorder(">")) if a.dtype.itemsize > 1 else a
    code = TYPE_CODES[np.dtype(big.dtype)]
    return bytes([0, 0, code, a.ndim]) + struct.pack(f">{a.ndim}I", *a.shape) + big.tobytes()


def tiny_arrays(seed=0, n_train=60, n_test=20):
    rng = np.random.default_rng(seed)
    return {"train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
            "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "test_labels": (np.arange(n_test) % 10).astype(np.uint8)}


NAMES = {"train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
         "test_images": "t10k-images-idx3-ubyte.gz", "test_labels": "t10k-labels-idx1-ubyte.gz"}


def write_tiny(directory: Path, arrays=None, gz=True) -> dict[str, bytes]:
    """Write the four files; return their bytes by key."""
    arrays = arrays or tiny_arrays()
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for key, a in arrays.items():
        raw = idx_bytes(a)
        data = gzip.compress(raw, mtime=0) if gz else raw
        name = NAMES[key] if gz else NAMES[key].removesuffix(".gz")
        (directory / name).write_bytes(data)
        out[key] = data
    return out


def tiny_spec(name="tiny", files: dict[str, bytes] | None = None, mirrors=(), system_dir=None):
    """A DatasetSpec whose checksums are those of ``files`` (gzipped bytes by key)."""
    files = files or {}
    return DatasetSpec(
        name=name, title="tiny test set", image_shape=(28, 28),
        classes=tuple(str(d) for d in range(10)), max_value=255,
        files={k: FileSpec(NAMES[k], hashlib.sha256(files[k]).hexdigest() if k in files else None)
               for k in NAMES},
        mirrors=tuple(mirrors), system_dir=system_dir)
