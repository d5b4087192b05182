"""The IDX file format of MNIST and Fashion-MNIST: a strict reader.

Layout (big-endian): two zero bytes, a type code, the number of dimensions d,
then d uint32 sizes, then the values in C order. Files are usually gzipped.

Every problem raises DataError naming the file and what was wrong: bad gzip,
wrong magic, unknown type, header counts that do not match the payload length.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError

# type code -> big-endian dtype
IDX_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
GZIP_MAGIC = b"\x1f\x8b"


def decompress(raw: bytes, name: str) -> bytes:
    """Gunzip ``raw`` if it is gzipped, else return it unchanged."""
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{name}: corrupt or truncated gzip data ({e})") from e


def parse_idx(data: bytes, name: str) -> np.ndarray:
    """Parse uncompressed IDX bytes into an array (native byte order)."""
    if len(data) < 4:
        raise DataError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    if data[0] != 0 or data[1] != 0:
        raise DataError(f"{name}: not an IDX file (magic bytes {data[:2].hex()}, expected 0000)")
    dtype = IDX_TYPES.get(data[2])
    if dtype is None:
        raise DataError(f"{name}: unknown IDX type code 0x{data[2]:02x}; "
                        f"expected one of {[hex(c) for c in IDX_TYPES]}")
    ndim = data[3]
    if not 1 <= ndim <= 4:
        raise DataError(f"{name}: IDX header says {ndim} dimensions; expected 1 to 4")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{name}: truncated header ({len(data)} bytes, need {header})")
    dims = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    expected = math.prod(dims) * dtype.itemsize          # Python ints: no overflow
    payload = len(data) - header
    if payload != expected:
        raise DataError(f"{name}: header says {dims} values of {dtype.itemsize} byte(s) = "
                        f"{expected} bytes, but the file holds {payload}")
    return np.frombuffer(data, dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


def read_idx(path: str | Path) -> np.ndarray:
    """Read a (possibly gzipped) IDX file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from e
    return parse_idx(decompress(raw, str(path)), str(path))


def check_split(images: np.ndarray, labels: np.ndarray, where: str, image_shape: tuple,
                n_classes: int) -> None:
    """Images (N, *image_shape) and labels (N,) in [0, n_classes), same N, both unsigned bytes
    (IDX type 0x08): a file of another type is refused, never converted."""
    for what, a in (("images", images), ("labels", labels)):
        if a.dtype != np.uint8:
            raise DataError(f"{where}: {what} are {a.dtype.name}; expected unsigned bytes "
                            f"(IDX type 0x08), as the published files hold")
    if images.ndim != 1 + len(image_shape) or images.shape[1:] != tuple(image_shape):
        raise DataError(f"{where}: images have shape {images.shape}; expected (N, "
                        f"{', '.join(map(str, image_shape))})")
    if labels.ndim != 1:
        raise DataError(f"{where}: labels have shape {labels.shape}; expected (N,)")
    if len(images) != len(labels):
        raise DataError(f"{where}: {len(images)} images but {len(labels)} labels")
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise DataError(f"{where}: labels in [{labels.min()}, {labels.max()}]; "
                        f"expected [0, {n_classes - 1}]")
