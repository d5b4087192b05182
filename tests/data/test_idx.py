"""The IDX reader: valid files round-trip, every kind of damage is a DataError naming the file."""

import gzip
import re
import hashlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nablab.data import parse_idx, read_idx
from nablab.data.download import verify
from nablab.data.specs import FileSpec
from nablab.errors import DataError
from idx_files import idx_bytes


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip(dtype, tmp_path):
    a = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == np.uint8:
        a = np.abs(a).astype(dtype)
    np.testing.assert_array_equal(parse_idx(idx_bytes(a), "x"), a)
    path = tmp_path / "a.idx.gz"
    path.write_bytes(gzip.compress(idx_bytes(a)))
    out = read_idx(path)
    np.testing.assert_array_equal(out, a)
    assert out.dtype.isnative


GOOD = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize("data, message", [
    (b"\x00\x00", "too short for an IDX header"),
    (b"\x01\x00" + GOOD[2:], "not an IDX file"),
    (GOOD[:2] + b"\x07" + GOOD[3:], "unknown IDX type code 0x07"),
    (GOOD[:3] + b"\x00" + GOOD[4:], "0 dimensions"),
    (GOOD[:3] + b"\x03" + GOOD[4:9], "truncated header"),
    (GOOD[:-1], "header says (3, 4) values of 1 byte(s) = 12 bytes, but the file holds 11"),
    (GOOD + b"\x00", "but the file holds 13"),
])
def test_bad_headers(data, message):
    with pytest.raises(DataError, match="^file.idx: .*" + re.escape(message)):
        parse_idx(data, "file.idx")


def test_corrupt_gzip_names_the_file(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(GOOD)[:-6])
    with pytest.raises(DataError, match="labels.gz: corrupt or truncated gzip"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        read_idx(tmp_path / "nope.gz")


VALID_GZ = gzip.compress(idx_bytes(np.arange(300, dtype=np.uint8).reshape(3, 10, 10)), mtime=0)


@given(data=st.data(), gz=st.booleans())
def test_fuzz_truncation_is_always_a_data_error(data, gz):
    blob = VALID_GZ if gz else gzip.decompress(VALID_GZ)
    cut = data.draw(st.integers(0, len(blob) - 1))
    with pytest.raises(DataError):
        parse_idx(_maybe_gunzip(blob[:cut]), "fuzz")


@given(data=st.data(), gz=st.booleans())
def test_fuzz_byte_flips_give_data_error_or_a_valid_array(data, gz):
    blob = bytearray(VALID_GZ if gz else gzip.decompress(VALID_GZ))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(blob) - 1))
        blob[i] ^= data.draw(st.integers(1, 255))
    try:
        out = parse_idx(_maybe_gunzip(bytes(blob)), "fuzz")
    except DataError:
        return
    assert isinstance(out, np.ndarray)          # a flip inside the values is still a valid file


@given(data=st.data())
def test_fuzz_any_flip_fails_the_checksum(data):
    spec = FileSpec("f.gz", hashlib.sha256(VALID_GZ).hexdigest())
    blob = bytearray(VALID_GZ)
    i = data.draw(st.integers(0, len(blob) - 1))
    blob[i] ^= data.draw(st.integers(1, 255))
    with pytest.raises(DataError, match="SHA-256"):
        verify(bytes(blob), spec, "f.gz")


def _maybe_gunzip(blob: bytes) -> bytes:
    from nablab.data.idx import decompress
    return decompress(blob, "fuzz")
