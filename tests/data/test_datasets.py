"""nl.data.load's options: normalisation, shapes, one-hot, subsets."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nablab as nl
from nablab.data import specs
from nablab.data.datasets import subset_indices
from nablab.data.packages import fixed_split
from idx_files import tiny_arrays, tiny_spec, write_tiny


@pytest.fixture
def tiny(tmp_path, tmp_cache, monkeypatch):
    write_tiny(tmp_path / "mine")
    monkeypatch.setitem(specs.SPECS, "tiny", tiny_spec())
    return lambda **kw: nl.data.load("tiny", data_dir=tmp_path / "mine", **kw)


def test_options(tiny):
    ds = tiny(flatten=False, one_hot=True, dtype=np.float64)
    assert ds.x_train.shape == (60, 1, 28, 28) and ds.x_train.dtype == np.float64
    assert 0 <= ds.x_train.min() and ds.x_train.max() <= 1
    assert ds.y_train.shape == (60, 10) and np.all(ds.y_train.sum(axis=1) == 1)
    raw = tiny(normalize=False)
    assert raw.x_train.max() == 255 and raw.y_train.dtype == np.int64
    np.testing.assert_array_equal(raw.x_train[0], tiny_arrays()["train_images"][0].ravel())


def test_first_n_is_the_course_slice(tiny):
    full, cut = tiny(), tiny(n_train=30, subset="first")
    np.testing.assert_array_equal(cut.x_train, full.x_train[:30])
    assert "train subset 30 (first)" in cut.source


def test_stratified_subset_is_seeded_and_keeps_class_shares(tiny):
    a, b, c = tiny(n_train=30, seed=1), tiny(n_train=30, seed=1), tiny(n_train=30, seed=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    assert np.bincount(a.y_train).tolist() == [3] * 10


@given(n=st.integers(1, 200), seed=st.integers(0, 100),
       weights=st.lists(st.integers(1, 50), min_size=2, max_size=6))
def test_subset_indices_properties(n, seed, weights):
    labels = np.repeat(np.arange(len(weights)), weights)
    n = min(n, len(labels))
    idx = subset_indices(labels, n, "stratified", np.random.default_rng(seed))
    assert len(idx) == n == len(np.unique(idx))
    counts = np.bincount(labels[idx], minlength=len(weights))
    expected = np.array(weights) * n / len(labels)
    assert np.all(np.abs(counts - expected) < 1)                 # each share within one sample


@pytest.mark.parametrize("kw, message", [
    (dict(n_train=0), r"n_train must be an int in \[1, 60\]; got 0"),
    (dict(n_test=21), r"n_test must be an int in \[1, 20\]; got 21"),
    (dict(subset="random"), r"subset must be one of \['stratified', 'first'\]"),
])
def test_bad_options(tiny, kw, message):
    with pytest.raises(nl.ConfigError, match=message):
        tiny(**kw)


def test_fixed_split_every_fifth_of_each_class():
    labels = np.repeat(np.arange(3), [10, 7, 5]).astype(np.uint8)
    images = np.arange(len(labels), dtype=np.uint8).reshape(-1, 1, 1)
    raw = fixed_split(images, labels, "test")
    assert np.bincount(raw.y_test).tolist() == [2, 1, 1]
    assert sorted(raw.x_test.ravel().tolist()) == [4, 9, 14, 21]
    assert len(raw.y_train) + len(raw.y_test) == len(labels)
    assert raw.y_train[:6].tolist() != sorted(raw.y_train[:6].tolist())   # not sorted by class
