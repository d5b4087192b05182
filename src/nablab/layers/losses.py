"""Loss functions (損失関数): SoftmaxCrossEntropy and MeanSquaredError.

A loss is not a Layer: ``forward(scores, target)`` returns a float and
``backward()`` returns ∂L/∂scores, which starts the model's backward pass.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, ShapeError, StateError, shape_str
from ..functional import class_ids


class Loss:
    """Base class: remembers what forward computed for backward."""

    def __init__(self):
        self._cache = None

    def cached(self):
        if self._cache is None:
            raise StateError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def __call__(self, scores, target) -> float:
        return self.forward(scores, target)


def _check_scores(loss: Loss, scores) -> np.ndarray:
    scores = np.asarray(scores)
    if scores.ndim != 2 or 0 in scores.shape:
        raise ShapeError(f"{type(loss).__name__} expected scores (N, K) with N, K >= 1; "
                         f"got {shape_str(scores.shape)}")
    if not np.issubdtype(scores.dtype, np.floating):
        raise ShapeError(f"{type(loss).__name__} expected floating scores; got {scores.dtype}")
    return scores


class SoftmaxCrossEntropy(Loss):
    """L = −(1/N) Σ_n Σ_k t_nk log softmax(s)_nk  (the course's SoftmaxWithLoss).

    target: class ids (N,) or one-hot / probability rows (N, K).
    Backward: ∂L/∂s = (softmax(s) − t) / N.
    Uses log-sum-exp, so no 1e-7 is needed inside the log (the course adds one).

    >>> loss = SoftmaxCrossEntropy()
    >>> round(loss.forward(np.zeros((2, 4)), np.array([0, 3])), 4)   # log 4
    1.3863
    """

    def forward(self, scores, target) -> float:
        scores = _check_scores(self, scores)
        n, k = scores.shape
        shifted = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        probs = e / total                                    # (N, K), rows sum to 1
        target = np.asarray(target)
        if target.ndim == 2 and target.shape == (n, k):      # one-hot or soft labels
            t = target.astype(scores.dtype, copy=False)
            loss = -np.sum(t * (shifted - np.log(total))) / n
        else:
            t = class_ids(target, n, k, "SoftmaxCrossEntropy")
            rows = np.arange(n)
            loss = -np.mean(shifted[rows, t] - np.log(total[:, 0]))
        self._cache = (probs, t)
        return float(loss)

    def backward(self, dout: float = 1.0) -> np.ndarray:
        probs, t = self.cached()
        n = probs.shape[0]
        grad = probs.copy()
        if t.ndim == 2:
            grad -= t
        else:
            grad[np.arange(n), t] -= 1
        grad *= dout / n
        return grad


class MeanSquaredError(Loss):
    """Mean squared error; class-id targets are one-hot encoded first.

    form="pytorch" (default, ``torch.nn.MSELoss``): L = mean over all N·K entries of (y − t)²,
        ∂L/∂y = 2 (y − t) / (N·K).
    form="course": L = ½ Σ (y − t)² / N  (the course's d_mean_squared_error = (y − t)/N),
        ∂L/∂y = (y − t) / N.
    """

    FORMS = ("pytorch", "course")

    def __init__(self, form: str = "pytorch"):
        super().__init__()
        if form not in self.FORMS:
            raise ConfigError(f"MeanSquaredError: unknown form {form!r}; expected one of {list(self.FORMS)}")
        self.form = form

    def forward(self, y, target) -> float:
        y = _check_scores(self, y)
        target = np.asarray(target)
        if target.ndim == 1 and y.shape[1] > 1:
            ids = class_ids(target, *y.shape, "MeanSquaredError")
            target = np.eye(y.shape[1], dtype=y.dtype)[ids]
        if target.shape != y.shape:
            raise ShapeError(f"MeanSquaredError expected target {shape_str(y.shape)}; "
                             f"got {shape_str(target.shape)}")
        diff = y - target
        self._cache = diff
        if self.form == "pytorch":
            return float(np.mean(diff * diff))
        return float(0.5 * np.sum(diff * diff) / y.shape[0])

    def backward(self, dout: float = 1.0) -> np.ndarray:
        diff = self.cached()
        scale = 2 / diff.size if self.form == "pytorch" else 1 / diff.shape[0]
        return diff * (scale * dout)
