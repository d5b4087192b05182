"""Download IDX files from a list of mirrors, verified by SHA-256, with a progress bar.

Each file is streamed into a temporary directory inside the cache and removed
afterwards; only the verified, parsed dataset is kept (as the cache's .npz).
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import DataError
from .cache import RawData, cache_dir
from .idx import MAX_IDX_BYTES, check_split, decompress, parse_idx
from .specs import DatasetSpec, FileSpec

TIMEOUT_S = 30
CHUNK = 1 << 16


class Unavailable(Exception):
    """A source cannot serve this dataset here (not installed, server down); try the next."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(data: bytes, spec: FileSpec, where: str, limit: int = MAX_IDX_BYTES) -> bytes:
    """Check the checksums of one file's bytes; return its uncompressed payload (at most
    ``limit`` bytes). The file's own checksum, when known, is checked before gunzipping."""
    if spec.sha256 and sha256_of(data) != spec.sha256:
        raise DataError(f"{where}: SHA-256 {sha256_of(data)[:16]}… does not match the expected "
                        f"{spec.sha256[:16]}…")
    payload = decompress(data, where, limit)
    if spec.payload_sha256 and sha256_of(payload) != spec.payload_sha256:
        raise DataError(f"{where}: SHA-256 of the uncompressed data {sha256_of(payload)[:16]}… does "
                        f"not match the expected {spec.payload_sha256[:16]}…")
    return payload


def gzipped_at_most(size: int) -> int:
    """The most bytes a gzip file of ``size`` uncompressed bytes can take: deflate's stored
    blocks add 5 bytes per 64 KiB, the gzip header and trailer a few dozen."""
    return size + size // 100 + 1024


def matches(data: bytes, payload: bytes, spec: FileSpec) -> bool:
    """Whether a file (and its uncompressed payload) has the checksums ``spec`` knows."""
    return ((not spec.sha256 or sha256_of(data) == spec.sha256)
            and (not spec.payload_sha256 or sha256_of(payload) == spec.payload_sha256))


def fetch(url: str, dest: Path, progress: bool, limit: int = MAX_IDX_BYTES) -> bytes:
    """Stream ``url`` into ``dest`` and return its bytes; network failures raise Unavailable,
    a file larger than ``limit`` bytes (announced or streamed) DataError."""
    from tqdm import tqdm

    def too_big(n: int) -> DataError:
        return DataError(f"{url}: serves {n:,} bytes or more; the file is at most {limit:,}")

    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(dest, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            if total is not None and total > limit:
                raise too_big(total)
            with tqdm(total=total, unit="B", unit_scale=True, desc=Path(url).name, leave=False,
                      disable=not (progress and sys.stderr.isatty())) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
                    if out.tell() > limit:
                        raise too_big(out.tell())
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as e:
        raise Unavailable(f"{url}: {getattr(e, 'reason', e)}") from e
    return dest.read_bytes()


def from_mirrors(spec: DatasetSpec, progress: bool = True) -> RawData:
    """Try each mirror in turn. Unreachable mirrors are skipped; if none serves valid files
    and one served a bad file, raise DataError (nothing is written to the cache)."""
    problems, bad = [], []
    for base in spec.mirrors:
        tmp = Path(tempfile.mkdtemp(prefix="download-", dir=_ensure(cache_dir())))
        limit = spec.largest_file or MAX_IDX_BYTES
        try:
            arrays = {}
            for key, fspec in spec.files.items():
                url = base.rstrip("/") + "/" + fspec.name
                payload = verify(fetch(url, tmp / fspec.name, progress, gzipped_at_most(limit)), fspec,
                                 url, limit)
                arrays[key] = parse_idx(payload, url)
            raw = RawData(arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                          arrays["test_labels"], source=f"downloaded from {base} (SHA-256 verified)")
            for split in ("train", "test"):
                check_split(getattr(raw, f"x_{split}"), getattr(raw, f"y_{split}"), base,
                            spec.image_shape, len(spec.classes))
            return raw
        except Unavailable as e:
            problems.append(str(e))
        except DataError as e:
            bad.append(str(e))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if bad:
        raise DataError(f"{spec.name}: no mirror served valid files: " + "; ".join(bad + problems))
    raise Unavailable("mirrors unreachable: " + "; ".join(problems))


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
