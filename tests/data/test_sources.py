"""Where data comes from: user folders, the cache, mirrors (a loopback HTTP server), packages."""

import functools
import gzip
import http.server
import threading

import numpy as np
import pytest

import nablab as nl
from nablab.data import cache, specs
from nablab.data.sources import DatasetUnavailable
from idx_files import NAMES, tiny_arrays, tiny_spec, write_tiny


@pytest.fixture
def server(tmp_path):
    """A file server on 127.0.0.1 (a free port) over tmp_path/www; stopped after the test."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def dead_url():
    """A loopback URL with nothing listening (the port was just freed)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def register(monkeypatch, spec):
    monkeypatch.setitem(specs.SPECS, spec.name, spec)


def cache_listing(cache_root):
    return sorted(p.name for p in cache_root.rglob("*")) if cache_root.exists() else []


def test_good_mirror_loads_and_caches(server, tmp_cache, monkeypatch):
    root, url = server
    files = write_tiny(root)
    register(monkeypatch, tiny_spec(files=files, mirrors=[url]))
    ds = nl.data.load("tiny", offline=False, progress=False)
    assert ds.x_train.shape == (60, 784) and ds.y_test.shape == (20,)
    assert f"downloaded from {url}" in ds.source and "SHA-256 verified" in ds.source
    assert cache_listing(tmp_cache) == ["tiny.npz"]          # no temporary files left
    expected = tiny_arrays()["train_images"].reshape(60, -1) / np.float32(255)
    np.testing.assert_allclose(ds.x_train, expected, rtol=1e-6)
    for f in root.iterdir():                                  # server gone: served from the cache
        f.unlink()
    again = nl.data.load("tiny", offline=False, progress=False)
    assert again.source.startswith("tiny: 60 train / 20 test from cache")
    np.testing.assert_array_equal(again.x_train, ds.x_train)


@pytest.mark.parametrize("damage", ["truncated", "corrupted", "wrong checksum"])
def test_bad_download_is_a_data_error_and_leaves_the_cache_unchanged(damage, server, tmp_cache,
                                                                     monkeypatch):
    root, url = server
    files = write_tiny(root)
    spec = tiny_spec(files=files, mirrors=[url])
    target = root / NAMES["train_images"]
    blob = bytearray(target.read_bytes())
    if damage == "truncated":
        target.write_bytes(bytes(blob[: len(blob) // 2]))
    elif damage == "corrupted":
        blob[len(blob) // 2] ^= 0xFF
        target.write_bytes(bytes(blob))
    else:                              # a valid file, but not the one the checksum names
        write_tiny(root, tiny_arrays(seed=1))
    register(monkeypatch, spec)
    cache.save("other", cache.RawData(*tiny_arrays().values(), source="kept"))
    before = {p: p.read_bytes() for p in tmp_cache.iterdir()}
    with pytest.raises(nl.DataError, match="no mirror served valid files.*SHA-256"):
        nl.data.load("tiny", offline=False, progress=False)
    assert {p: p.read_bytes() for p in tmp_cache.iterdir()} == before


def test_unreachable_mirror_falls_through_to_the_next_mirror(server, tmp_cache, monkeypatch):
    root, url = server
    register(monkeypatch, tiny_spec(files=write_tiny(root), mirrors=[dead_url(), url]))
    ds = nl.data.load("tiny", offline=False, progress=False)
    assert f"downloaded from {url}" in ds.source


def test_server_down_falls_through_to_the_next_source(tmp_path, tmp_cache, monkeypatch):
    files = write_tiny(tmp_path / "system")
    register(monkeypatch, tiny_spec(files=files, mirrors=[dead_url()],
                                    system_dir=str(tmp_path / "system")))
    ds = nl.data.load("tiny", offline=False, progress=False)
    assert "Debian package dataset-tiny" in ds.source and "cached as" in ds.source


def test_nothing_available_lists_what_was_tried(tmp_cache, monkeypatch):
    register(monkeypatch, tiny_spec(mirrors=[dead_url()], system_dir="/nonexistent/tiny"))
    with pytest.raises(DatasetUnavailable, match=r"(?s)not available here. Tried:.*cache.*"
                                                 r"download.*system package"):
        nl.data.load("tiny", offline=False, progress=False)


def test_offline_skips_the_mirrors(server, tmp_cache, monkeypatch):
    root, url = server
    register(monkeypatch, tiny_spec(files=write_tiny(root), mirrors=[url]))
    with pytest.raises(DatasetUnavailable) as info:
        nl.data.load("tiny")                               # NABLAB_OFFLINE=1 in the tests
    assert "download" not in str(info.value)


@pytest.mark.parametrize("gz", [True, False])
def test_user_folder_is_read_never_written_nor_cached(gz, tmp_path, tmp_cache, monkeypatch):
    folder = tmp_path / "mine"
    files = write_tiny(folder, gz=gz)
    register(monkeypatch, tiny_spec(files=files if gz else {}))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    ds = nl.data.load("tiny", data_dir=folder)
    assert f"your folder {folder}" in ds.source
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
    assert cache_listing(tmp_cache) == []


def test_user_folder_with_other_files_says_so(tmp_path, tmp_cache, monkeypatch):
    files = write_tiny(tmp_path / "a")
    register(monkeypatch, tiny_spec(files=files))
    write_tiny(tmp_path / "b", tiny_arrays(seed=5))
    assert "SHA-256 matches" in nl.data.load("tiny", data_dir=tmp_path / "a").source
    assert "not the standard set" in nl.data.load("tiny", data_dir=tmp_path / "b").source


def test_user_folder_with_a_bad_file_names_it(tmp_path, tmp_cache, monkeypatch):
    folder = tmp_path / "mine"
    write_tiny(folder)
    register(monkeypatch, tiny_spec())
    bad = folder / NAMES["test_labels"]
    bad.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05abc"))
    with pytest.raises(nl.DataError, match=f"{bad}: header says"):
        nl.data.load("tiny", data_dir=folder)


def test_images_and_labels_must_agree(tmp_path, tmp_cache, monkeypatch):
    arrays = tiny_arrays()
    arrays["test_labels"] = arrays["test_labels"][:-1]
    write_tiny(tmp_path / "mine", arrays)
    register(monkeypatch, tiny_spec())
    with pytest.raises(nl.DataError, match="20 images but 19 labels"):
        nl.data.load("tiny", data_dir=tmp_path / "mine")


def test_label_out_of_range(tmp_path, tmp_cache, monkeypatch):
    arrays = tiny_arrays()
    arrays["train_labels"][3] = 12
    write_tiny(tmp_path / "mine", arrays)
    register(monkeypatch, tiny_spec())
    with pytest.raises(nl.DataError, match=r"labels in \[0, 12\]; expected \[0, 9\]"):
        nl.data.load("tiny", data_dir=tmp_path / "mine")


def test_nablab_data_env_folder(tmp_path, tmp_cache, monkeypatch):
    write_tiny(tmp_path / "env" / "tiny")
    register(monkeypatch, tiny_spec())
    monkeypatch.setenv("NABLAB_DATA", str(tmp_path / "env"))
    assert "$NABLAB_DATA" not in nl.data.load("tiny").source      # the folder is named instead
    assert str(tmp_path / "env" / "tiny") in nl.data.load("tiny").source


def test_damaged_cache_entry_is_reported(tmp_cache, monkeypatch):
    register(monkeypatch, tiny_spec())
    path = cache.save("tiny", cache.RawData(*tiny_arrays().values(), source="test"))
    blob = bytearray(path.read_bytes())
    blob[-300] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(nl.DataError, match="tiny.npz"):
        nl.data.load("tiny")


def test_unknown_dataset():
    with pytest.raises(nl.DataError, match=r"unknown dataset 'cifar'; expected one of \['digits', "):
        nl.data.load("cifar")
