"""nl.save / nl.load: npz without pickle, atomic, architecture checked."""

import json
import zipfile

import numpy as np
import pytest

import nablab as nl


def trained_model():
    net = nl.models.mlp(6, [5, 4], 3, activation="leaky_relu", batchnorm=True, dropout=0.2, rng=0)
    x = np.random.default_rng(1).standard_normal((8, 6)).astype(np.float32)
    net.forward(x)                        # moves BN running statistics away from 0 / 1
    return net, x


def test_round_trip_rebuilds_the_model(tmp_path):
    net, x = trained_model()
    path = nl.save(net, tmp_path / "model.npz")
    loaded = nl.load(path)
    assert repr(loaded) == repr(net)
    net.eval()
    loaded.eval()
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[key], value)
        assert loaded.state_dict()[key].dtype == value.dtype


def test_file_is_plain_npz_with_json_metadata(tmp_path):
    net, _ = trained_model()
    path = nl.save(net, tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(bytes(data["__nablab__"]).decode())
        assert "0.W" in data.files and "1.running_mean" in data.files
    assert meta["architecture"]["layers"][0] == {
        "type": "Linear", "config": {"in_features": 6, "out_features": 5, "init": "he", "dtype": "float32"}}
    assert meta["nablab_version"] == nl.__version__ and meta["dtypes"] == ["float32"]


def test_load_into_a_different_architecture_is_refused(tmp_path):
    net, _ = trained_model()
    path = nl.save(net, tmp_path / "m.npz")
    other = nl.models.mlp(6, [5, 7], 3, activation="leaky_relu", batchnorm=True, dropout=0.2, rng=0)
    with pytest.raises(nl.ShapeError, match=r"layer 4 is Linear\(.*'out_features': 4.*\) in the file, "
                                              r"Linear\(.*'out_features': 7.*\) in the model"):
        nl.load(path, model=other)
    shorter = nl.models.mlp(6, [5], 3, rng=0)
    with pytest.raises(nl.ShapeError, match="has 9 layers in the file, 3 in the model"):
        nl.load(path, model=shorter)


def test_load_into_the_same_architecture(tmp_path):
    net, x = trained_model()
    path = nl.save(net, tmp_path / "m.npz")
    fresh = nl.models.mlp(6, [5, 4], 3, activation="leaky_relu", batchnorm=True, dropout=0.2, rng=9)
    nl.load(path, model=fresh)
    np.testing.assert_array_equal(fresh.eval().forward(x), net.eval().forward(x))


def test_failed_save_leaves_no_partial_file(tmp_path, monkeypatch):
    net, _ = trained_model()
    target = tmp_path / "m.npz"
    nl.save(net, target)
    before = target.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(nl.DataError, match="cannot save the model there .*disk full"):
        nl.save(net, target)
    assert target.read_bytes() == before                  # the old model is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]   # no temporary left


@pytest.mark.parametrize("content, message", [
    (b"not a zip file", "cannot read saved model"),
    (None, "not a nablab model"),
])
def test_bad_files_raise_data_error(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    if content is None:
        np.savez(path, W=np.zeros(3))
    else:
        path.write_bytes(content)
    with pytest.raises(nl.DataError, match=message):
        nl.load(path)


def test_truncated_file_raises_data_error(tmp_path):
    net, _ = trained_model()
    path = nl.save(net, tmp_path / "m.npz")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(nl.DataError, match=str(path.name)):
        nl.load(path)
    assert not zipfile.is_zipfile(path)


def crafted(path, architecture, arrays):
    """A .npz in nablab's format with any architecture and arrays (what a hostile file can be)."""
    meta = {"format": "nablab-model", "format_version": 1, "architecture": architecture}
    np.savez(path, __nablab__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
    return path


def test_a_tiny_file_cannot_ask_for_a_huge_model(tmp_path):
    """Linear(100000, 100000) would be 37 GiB: the arrays are checked against it before building."""
    import tracemalloc
    path = crafted(tmp_path / "bomb.npz", {"type": "Sequential", "layers": [
        {"type": "Linear", "config": {"in_features": 100000, "out_features": 100000}}]},
        {"0.W": np.zeros((2, 2), np.float32), "0.b": np.zeros(2, np.float32)})
    assert path.stat().st_size < 2000
    tracemalloc.start()
    with pytest.raises(nl.ShapeError, match=r"0.W is float32 \(2, 2\); the architecture needs .*\(100000, 100000\)"):
        nl.load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * 2**20


@pytest.mark.parametrize("architecture, arrays, message", [
    ({"type": "Sequential", "layers": [{"type": "Linear", "config": {"in_features": 2, "out_features": 2,
                                                                      "dtype": "object"}}]},
     {"0.W": np.zeros((2, 2)), "0.b": np.zeros(2)}, "has dtype 'object'"),
    ({"type": "Sequential", "layers": [{"type": "Linear", "config": {"in_features": True, "out_features": 2}}]},
     {"0.W": np.zeros((1, 2)), "0.b": np.zeros(2)}, "would have shape"),
    ({"type": "Sequential", "layers": [{"type": "Linear", "config": {"in_features": 2, "out_features": 2}}]},
     {"0.W": np.zeros((2, 2), np.complex128), "0.b": np.zeros(2)}, "0.W is complex128"),
    ({"type": "Sequential", "layers": "nope"}, {}, "has no list of layers"),
    ({"type": "Evil", "config": {}}, {}, "unknown layer type 'Evil'"),
    ({"type": "Sequential", "layers": [{"type": "Linear", "config": {"in_features": 2}}]}, {},
     "Linear config lacks 'out_features'"),
])
def test_malformed_architectures_are_clear_errors(tmp_path, architecture, arrays, message):
    with pytest.raises((nl.DataError, nl.ShapeError), match=message):
        nl.load(crafted(tmp_path / "m.npz", architecture, arrays))


def test_deep_nesting_and_directories_are_clear_errors(tmp_path):
    arch = '{"type": "Sequential", "layers": [' * 3000 + '{"type": "ReLU", "config": {}}' + "]}" * 3000
    path = tmp_path / "deep.npz"
    meta = '{"format": "nablab-model", "format_version": 1, "architecture": ' + arch + "}"
    np.savez(path, __nablab__=np.frombuffer(meta.encode(), dtype=np.uint8))
    with pytest.raises(nl.DataError, match="deep"):
        nl.load(path)
    with pytest.raises(nl.DataError, match="cannot save the model there"):
        nl.save(nl.Sequential(nl.ReLU()), tmp_path)


@pytest.mark.parametrize("meta, message", [
    ([1, 2], r"expected nablab-model format <= 1 \(an integer\); got a JSON list"),
    ({"format": "nablab-model", "format_version": "9"}, r"got nablab-model '9'"),
    ({"format": "nablab-model", "format_version": 1, "architecture": {"type": "Sequential", "layers": [
        {"type": "Linear", "config": {"in_features": 2, "out_features": 2, "evil": 1}}]}},
     r"layer 0 \(Linear\) has settings it does not take: \['evil'\]"),
])
def test_hostile_metadata_is_a_data_error(tmp_path, meta, message):
    """Metadata as a list, a format_version of another type, a layer setting no layer takes: a
    DataError, not AttributeError / TypeError from inside (issue 27, class 5)."""
    path = tmp_path / "m.npz"
    np.savez(path, __nablab__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
             **{"0.W": np.zeros((2, 2), np.float32), "0.b": np.zeros(2, np.float32)})
    with pytest.raises(nl.DataError, match=message):
        nl.load(path)
