"""The IDX file format of MNIST and Fashion-MNIST: a strict reader.

Layout (big-endian): two zero bytes, a type code, the number of dimensions d,
then d uint32 sizes, then the values in C order. Files are usually gzipped.

Every problem raises DataError naming the file and what was wrong: bad gzip,
wrong magic, unknown type, header counts that do not match the payload length.
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError

# type code -> big-endian dtype
IDX_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
GZIP_MAGIC = b"\x1f\x8b"


MAX_IDX_BYTES = 1 << 26      # 64 MiB: above the largest published IDX file (47 MB)
CHUNK = 1 << 16


def decompress(raw: bytes, name: str, limit: int = MAX_IDX_BYTES) -> bytes:
    """Gunzip ``raw`` if it is gzipped, else return it unchanged.

    Streamed: once the first 20 bytes are out, they must be an IDX header, and the output may
    not pass the size it promises nor ``limit``. A small "gzip bomb" that would expand to
    gigabytes is refused after at most that many bytes.
    """
    if not raw.startswith(GZIP_MAGIC):
        return raw
    out, cap, rest = bytearray(), limit, raw
    try:
        while rest:                                   # one gzip member after another
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while not member.eof:
                chunk = member.decompress(rest, CHUNK)
                rest = member.unconsumed_tail
                out += chunk
                if cap == limit and len(out) >= 20:          # the header is in: trust its size
                    dtype, dims, header = read_header(bytes(out[:20]), name)
                    cap = min(limit, header + math.prod(dims) * dtype.itemsize)
                if len(out) > cap:
                    raise DataError(f"{name}: the gzip data expands past {cap:,} bytes, the most "
                                    f"its IDX header and the limit allow; refused (corrupt, or "
                                    f"a decompression bomb)")
                if not chunk and not rest:
                    raise EOFError("compressed data ended before the end of the stream")
            rest = member.unused_data
    except (EOFError, zlib.error) as e:
        raise DataError(f"{name}: corrupt or truncated gzip data ({e})") from e
    return bytes(out)


def read_header(data: bytes, name: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """(value dtype, sizes, header length) of IDX bytes; DataError when they are no IDX header."""
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
    dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return dtype, dims, header


def parse_idx(data: bytes, name: str) -> np.ndarray:
    """Parse uncompressed IDX bytes into an array (native byte order)."""
    dtype, dims, header = read_header(data, name)
    expected = math.prod(dims) * dtype.itemsize          # Python ints: no overflow
    payload = len(data) - header
    if payload != expected:
        raise DataError(f"{name}: header says {dims} values of {dtype.itemsize} byte(s) = "
                        f"{expected:,} bytes, but the file holds {payload:,}")
    return np.frombuffer(data, dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


def read_file(path: Path, limit: int = MAX_IDX_BYTES) -> bytes:
    """The bytes of ``path``, refused (DataError) when it holds more than ``limit``."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise DataError(f"{path}: {size:,} bytes; an IDX file here holds at most {limit:,}")
        return path.read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from e


def read_idx(path: str | Path, limit: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read a (possibly gzipped) IDX file of at most ``limit`` bytes, uncompressed."""
    path = Path(path)
    return parse_idx(decompress(read_file(path, limit), str(path), limit), str(path))


def payload_sha256(a: np.ndarray) -> str:
    """SHA-256 of the uncompressed IDX file that holds the uint8 array ``a`` (its header — magic
    0x0000 08 <ndim>, then each dimension as a big-endian uint32 — and its bytes): comparable with
    a dataset's published payload checksums (specs.FileSpec.payload_sha256)."""
    import hashlib
    header = bytes([0, 0, 0x08, a.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in a.shape)
    return hashlib.sha256(header + np.ascontiguousarray(a, dtype=np.uint8).tobytes()).hexdigest()


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
