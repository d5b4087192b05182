"""The library API against a hostile or careless user (issue 11, items 12 and 13): each bad input
is a clear NablabError (ConfigError, ShapeError, DataError) that says what was expected and what
was received — or, where the input has one sensible meaning (lists for arrays), the right result."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nablab as nl
from nablab.train.checkpoint import load_checkpoint

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4))
Y = RNG.integers(0, 3, 40)


def net():
    return nl.models.mlp(4, [5], 3, rng=0)


def fit(x=X, y=Y, x_test=X, y_test=Y, model=None, optimizer=None, **settings):
    model = model or net()
    optimizer = optimizer or nl.optim.SGD(model.parameters(), lr=0.1)
    return nl.fit(model, nl.SoftmaxCrossEntropy(), optimizer, (x, y, x_test, y_test),
                  **{"iters": 5, "batch_size": 8, "progress": False, **settings})


def with_nan():
    x = X.copy()
    x[3, 1] = np.nan
    return x


def backward_with(layer, x, dy):
    layer.forward(x)
    return layer.backward(dy)


CASES = {
    "y longer than x": (lambda: fit(y=np.concatenate([Y, Y])), nl.ConfigError,
                        "x_train holds 40 samples but y_train 80 labels"),
    "y shorter than x": (lambda: fit(y=Y[:30]), nl.ConfigError, "but y_train 30 labels"),
    "y_test shorter": (lambda: fit(y_test=Y[:10]), nl.ConfigError, "x_test holds 40 samples but y_test 10"),
    "optimizer over another model": (lambda: fit(optimizer=nl.optim.SGD(net().parameters(), lr=0.1)),
                                     nl.ConfigError, "updates 4 parameter.s. that are not this model's"),
    "empty test set": (lambda: fit(x_test=X[:0], y_test=Y[:0]), nl.ConfigError,
                       "x_test must be a non-empty array of numbers; got float64 of shape \\(0, 4\\)"),
    "text inputs": (lambda: fit(x=np.full((40, 4), "a")), nl.ConfigError, "x_train must be a non-empty array of numbers"),
    "eval_every = -1": (lambda: fit(eval_every=-1), nl.ConfigError, "eval_every must be an int >= 1; got -1"),
    "NaN in x": (lambda: fit(x=with_nan()), nl.DataError, "x_train holds NaN or inf in 1 sample.s., the first at index 3"),
    "seed 'abc'": (lambda: fit(seed="abc"), nl.ConfigError, "fit: seed must be an int; got 'abc'"),
    "lr inf": (lambda: nl.optim.SGD(net().parameters(), lr=float("inf")), nl.ConfigError, "lr must be finite"),
    "eps inf": (lambda: nl.optim.Adam(net().parameters(), eps=float("inf")), nl.ConfigError, "eps must be finite"),
    "betas (0.9,)": (lambda: nl.optim.Adam(net().parameters(), betas=(0.9,)), nl.ConfigError,
                     "betas must be two numbers"),
    "L1(nan)": (lambda: nl.optim.L1(float("nan")), nl.ConfigError, "L1: lam must be finite and >= 0; got nan"),
    "init std inf": (lambda: nl.Linear(3, 4, init=float("inf")), nl.ConfigError, "init std must be finite"),
    "Linear(True, True)": (lambda: nl.Linear(True, True), nl.ConfigError, "in_features must be an int >= 1; got True"),
    "dtype object": (lambda: nl.Linear(3, 4, dtype="object"), nl.ConfigError,
                     "dtype must be one of float16, float32, float64; got 'object'"),
    "dtype U5": (lambda: nl.Linear(3, 4, dtype="U5"), nl.ConfigError, "got 'str160'"),
    "dtype complex": (lambda: nl.Conv2d(1, 2, 3, dtype=np.complex128), nl.ConfigError, "got 'complex128'"),
    "dtype int": (lambda: nl.BatchNorm(3, dtype=np.int64), nl.ConfigError, "got 'int64'"),
    "data.load dtype int": (lambda: nl.data.load("digits", dtype="int64"), nl.ConfigError,
                            "data.load: dtype must be one of float16, float32, float64; got 'int64'"),
    "data.load seed 'abc'": (lambda: nl.data.load("digits", seed="abc"), nl.ConfigError, "seed must be an int"),
    "SoftmaxCrossEntropy N = 0": (lambda: nl.SoftmaxCrossEntropy().forward(np.zeros((0, 3)), np.zeros(0, int)),
                                  nl.ShapeError, "expected scores \\(N, K\\) with N, K >= 1; got \\(0, 3\\)"),
    "MeanSquaredError N = 0": (lambda: nl.MeanSquaredError().forward(np.zeros((0, 3)), np.zeros((0, 3))),
                               nl.ShapeError, "with N, K >= 1"),
    "wrong dy, Linear": (lambda: backward_with(nl.Linear(3, 4), np.ones((2, 3)), np.ones((2, 5))),
                         nl.ShapeError, "Linear.backward expected dy shaped like the forward output \\(2, 4\\); got \\(2, 5\\)"),
    "wrong dy, Sequential": (lambda: backward_with(net(), np.ones((2, 4)), np.ones((3, 3))),
                             nl.ShapeError, "Linear.backward expected dy .* \\(2, 3\\); got \\(3, 3\\)"),
    "save over a folder": (lambda: nl.save(net(), "/tmp"), nl.DataError, "/tmp: cannot save the model there"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_a_clear_error(case):
    call, error, message = CASES[case]
    with pytest.raises(error, match=message):
        call()


def test_lists_train_exactly_like_arrays():
    a, b = fit(), fit(x=X.tolist(), y=Y.tolist(), x_test=X.tolist(), y_test=Y.tolist())
    assert a.losses == b.losses and a.status == b.status == "finished"


def test_a_float32_dtype_name_loads_float32():
    assert nl.data.load("digits", dtype="float32").x_train.dtype == np.float32


LAYERS = [
    (lambda: nl.ReLU(), (3, 4)), (lambda: nl.Sigmoid(), (3, 4)), (lambda: nl.Tanh(), (3, 4)),
    (lambda: nl.LeakyReLU(), (3, 4)), (lambda: nl.Dropout(0.5, rng=0), (3, 4)),
    (lambda: nl.Linear(4, 2, rng=0), (3, 4)), (lambda: nl.BatchNorm(4), (3, 4)),
    (lambda: nl.Flatten(), (2, 1, 3, 3)), (lambda: nl.Conv2d(1, 2, 3, padding=1, rng=0), (2, 1, 4, 4)),
    (lambda: nl.MaxPool2d(2), (2, 1, 4, 4)), (lambda: nl.AvgPool2d(2), (2, 1, 4, 4)),
    (lambda: nl.GlobalAvgPool2d(), (2, 1, 4, 4)),
]


@settings(max_examples=60, deadline=None)
@given(which=st.integers(0, len(LAYERS) - 1), train=st.booleans(),
       change=st.lists(st.integers(-1, 2), min_size=1, max_size=5))
def test_any_wrong_dy_shape_is_a_shape_error(which, train, change):
    make, shape = LAYERS[which]
    layer = make().train(train)
    y = layer.forward(np.ones(shape))
    wrong = tuple(max(s + c, 0) for s, c in zip(y.shape + (1,) * 5, change))[:len(change)]
    if wrong == y.shape:
        np.testing.assert_array_equal(layer.backward(np.ones(wrong)).shape, shape)
        return
    with pytest.raises(nl.ShapeError, match=f"{type(layer).__name__}.backward expected dy"):
        layer.backward(np.ones(wrong))


def pickled_npz(path):
    """A .npz whose arrays are pickled Python objects (what np.save writes for dtype=object)."""
    evil = np.array([{"evil": 1}], dtype=object)
    np.savez(path, __nablab__=evil, __meta__=evil, meta=evil, W=evil)    # every loader's meta key
    return path


def test_pickled_files_are_refused_without_numpy_advice(tmp_path, tmp_cache, monkeypatch):
    path = pickled_npz(tmp_path / "evil.npz")
    model = net()
    attempts = [lambda: nl.load(path),
                lambda: load_checkpoint(path, model=model, optimizer=nl.optim.SGD(model.parameters(), lr=0.1))]
    from nablab.data import cache
    tmp_cache.mkdir(parents=True)
    pickled_npz(tmp_cache / "digits.npz")
    attempts.append(lambda: cache.load("digits"))
    for attempt in attempts:
        with pytest.raises(nl.DataError) as caught:
            attempt()
        text = str(caught.value)
        assert "pickled Python objects" in text, text
        assert "allow_pickle" not in text and "pickle.load" not in text, text
