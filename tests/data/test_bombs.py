"""Resource bombs (issue 11, item 5): a small gzip file that would expand to hundreds of megabytes,
in a user's folder or served by a mirror, is refused with peak memory far below what it would take.

Peak memory is measured with tracemalloc around the load (numpy and zlib buffers are traced)."""

import functools
import tracemalloc
import zlib
from dataclasses import replace

import numpy as np
import pytest

import nablab as nl
from nablab.data import read_idx, specs
from nablab.data.download import gzipped_at_most
from nablab.data.idx import MAX_IDX_BYTES, decompress
from idx_files import NAMES, idx_bytes, tiny_arrays, tiny_spec, write_tiny
from test_sources import server as server  # the loopback file-server fixture

BOMB_BYTES = 300 << 20                     # what the bomb expands to: 300 MiB
PEAK_LIMIT = 100 << 20                     # what loading it may cost at most


@functools.cache
def bomb(header: bytes) -> bytes:
    """``header`` followed by BOMB_BYTES zero bytes, gzipped (about 300 KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(16 << 20)
    parts = [packer.compress(header)] + [packer.compress(zeros) for _ in range(BOMB_BYTES >> 24)]
    return b"".join(parts) + packer.flush()


HEADERS = {
    "no IDX header": b"",                                        # zeros: type code 0x00
    "a header promising the tiny set": idx_bytes(np.zeros((60, 28, 28), np.uint8))[:16],
    "a header promising 2^31 x 2^31 x 4": bytes([0, 0, 8, 3]) + (2 ** 31).to_bytes(4, "big") * 2
                                          + (4).to_bytes(4, "big"),
}


def peak_of(call):
    """(exception raised by call(), peak traced bytes)."""
    tracemalloc.start()
    try:
        with pytest.raises(nl.DataError) as caught:
            call()
        return caught.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("header", HEADERS, ids=list(HEADERS))
def test_gzip_bomb_in_a_file_is_refused_within_100_mb(header, tmp_path):
    path = tmp_path / "bomb.gz"
    path.write_bytes(bomb(HEADERS[header]))
    error, peak = peak_of(lambda: read_idx(path))
    assert str(path) in str(error)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("header", HEADERS, ids=list(HEADERS))
def test_gzip_bomb_in_a_data_folder_is_refused_within_100_mb(header, tmp_path, tmp_cache,
                                                             monkeypatch):
    folder = tmp_path / "mine"
    write_tiny(folder)
    (folder / NAMES["train_images"]).write_bytes(bomb(HEADERS[header]))
    monkeypatch.setitem(specs.SPECS, "tiny", tiny_spec())
    error, peak = peak_of(lambda: nl.data.load("tiny", data_dir=folder))
    assert NAMES["train_images"] in str(error)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("known", ["file checksum", "payload checksum only"])
def test_gzip_bomb_from_a_mirror_is_refused_within_100_mb(known, server, tmp_cache,
                                                          monkeypatch):
    """The mirror serves a bomb in place of the images. With the gzip file's own SHA-256 known it
    is refused before gunzipping; with only the payload's (Fashion-MNIST's case, whose first mirror
    is plain http) gunzipping stops at the published set's largest file."""
    root, url = server
    files = write_tiny(root)
    spec = tiny_spec(files=files, mirrors=[url])
    if known == "payload checksum only":
        spec = replace(spec, sizes=(6000, 20), files={          # the bomb fits the download cap
            k: replace(f, sha256=None, payload_sha256="0" * 64) for k, f in spec.files.items()})
        assert len(bomb(HEADERS["a header promising the tiny set"])) < spec.largest_file
    (root / NAMES["train_images"]).write_bytes(bomb(HEADERS["a header promising the tiny set"]))
    monkeypatch.setitem(specs.SPECS, "tiny", spec)
    error, peak = peak_of(lambda: nl.data.load("tiny", offline=False, progress=False))
    assert "no mirror served valid files" in str(error)
    assert ("SHA-256" if known == "file checksum" else "expands past 47,056 bytes") in str(error)
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"
    assert not any(tmp_cache.rglob("*.npz"))          # nothing cached


def test_a_mirror_serving_more_than_the_largest_file_is_cut_off(server, tmp_cache, monkeypatch):
    root, url = server
    files = write_tiny(root)
    spec = replace(tiny_spec(files=files, mirrors=[url]), sizes=(60, 20))
    cap = gzipped_at_most(spec.largest_file)           # 47,056 bytes, gzipped at worst
    (root / NAMES["test_labels"]).write_bytes(bytes(cap + 1))
    monkeypatch.setitem(specs.SPECS, "tiny", spec)
    with pytest.raises(nl.DataError, match=f"serves {cap + 1:,} bytes or more; the file is at most {cap:,}"):
        nl.data.load("tiny", offline=False, progress=False)


def test_an_oversized_file_in_a_folder_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.idx"
    with open(path, "wb") as f:                     # sparse: costs no disk
        f.truncate(MAX_IDX_BYTES + 1)
    tracemalloc.start()
    try:
        with pytest.raises(nl.DataError, match="67,108,865 bytes; an IDX file here holds at most"):
            read_idx(path)
        assert tracemalloc.get_traced_memory()[1] < 1 << 20
    finally:
        tracemalloc.stop()


def test_streamed_gunzip_equals_gzip_and_reads_several_members():
    import gzip
    a = tiny_arrays()["train_images"]
    raw = idx_bytes(a)
    assert decompress(gzip.compress(raw), "x") == raw
    two = gzip.compress(raw[:100]) + gzip.compress(raw[100:])
    assert decompress(two, "x") == raw
    with pytest.raises(nl.DataError, match="x: corrupt or truncated gzip"):
        decompress(gzip.compress(raw)[:-20], "x")
    with pytest.raises(nl.DataError, match="x: corrupt or truncated gzip"):
        decompress(gzip.compress(raw) + b"junk", "x")
    with pytest.raises(nl.DataError, match="x: the gzip data expands past 100 bytes"):
        decompress(gzip.compress(raw), "x", limit=100)
