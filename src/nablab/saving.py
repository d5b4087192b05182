"""nl.save / nl.load: a model as one .npz file, no pickle.

The file holds every parameter and buffer under its state_dict key, plus one
entry ``__nablab__``: UTF-8 JSON with the architecture (each layer's type and
constructor arguments), dtype and versions. It is written to a temporary file
beside the target and renamed, so a crash never leaves a half-written model.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import zipfile
from pathlib import Path

import numpy as np

from . import layers as L
from .errors import ConfigError, DataError, ShapeError
from .memory import require
from .files import MAX_TEXT, atomic_write, load_problem, npz_headers, within
from .version import __version__

META_KEY = "__nablab__"
FORMAT = "nablab-model"
FORMAT_VERSION = 1

# Layer types that nl.load can rebuild.
LAYER_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (L.Linear, L.ReLU, L.Sigmoid, L.Tanh, L.LeakyReLU, L.BatchNorm,
                                  L.Dropout, L.Flatten, L.Conv2d, L.MaxPool2d, L.AvgPool2d,
                                  L.GlobalAvgPool2d, L.RNN, L.LSTM, L.GRU, L.LastStep, L.Reshape)
}


def architecture(model) -> dict:
    """A JSON-able description: {"type": "Sequential", "layers": [{"type", "config"}, ...]}; a
    block of the learner's own adds its children: {"type", "config", "children": {name: ...}}."""
    if isinstance(model, L.Sequential):
        return {"type": "Sequential", "layers": [architecture(layer) for layer in model]}
    arch = {"type": type(model).__name__, "config": model.config()}
    children = {name: architecture(child) for name, child in model.named_children()}
    if children:
        arch["children"] = children
    return arch


def build(arch: dict):
    """Rebuild a model (with fresh weights) from ``architecture(model)``."""
    if arch.get("type") == "Sequential":
        return L.Sequential(*(build(a) for a in arch["layers"]))
    cls = LAYER_TYPES.get(arch.get("type"))
    if cls is None or "children" in arch:
        raise DataError(f"layer type {arch.get('type')!r} in the saved model is not one nl.load can build "
                        f"(known: {sorted(LAYER_TYPES)}); for a block of your own, build it and pass it: "
                        f"nl.load(path, model=YourBlock(...))")
    return cls(**arch.get("config", {}))


def save(model, path: str | os.PathLike) -> Path:
    """Write model weights and architecture to ``path`` (.npz) atomically; return the path."""
    path = Path(path)
    arrays = model.state_dict()
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "nablab_version": __version__,
            "numpy_version": np.__version__, "architecture": architecture(model),
            "dtypes": sorted({a.dtype.name for a in arrays.values()})}
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    try:
        atomic_write(path, lambda f: np.savez(f, **arrays))
    except OSError as e:
        raise DataError(f"{path}: cannot save the model there ({e.strerror or e})") from None
    return path


# What each layer type keeps in its state_dict, from its config alone (no allocation).
STATE_SHAPES = {
    "Linear": lambda c: {"W": (c["in_features"], c["out_features"]), "b": (c["out_features"],)},
    "Conv2d": lambda c: {"W": (c["out_channels"], c["in_channels"], c["kernel_size"], c["kernel_size"]),
                         "b": (c["out_channels"],)},
    "BatchNorm": lambda c: dict.fromkeys(("gamma", "beta", "running_mean", "running_var"), (c["num_features"],)),
    "RNN": lambda c: _recurrent_shapes(c, 1, {"b": (c["hidden_size"],)}),
    "LSTM": lambda c: _recurrent_shapes(c, 4, {"b": (4 * c["hidden_size"],)}),
    "GRU": lambda c: _recurrent_shapes(c, 3, {"bx": (3 * c["hidden_size"],), "bh": (3 * c["hidden_size"],)}),
}


def _recurrent_shapes(c: dict, gates: int, biases: dict) -> dict:
    d, h = c["input_size"], c["hidden_size"]
    return {"Wx": (d, gates * h), "Wh": (h, gates * h), **biases}
DTYPES = ("float16", "float32", "float64")
MAX_DEPTH = 32                                   # nested Sequentials


def expected_state(arch, where: str, prefix: str = "", depth: int = 0) -> dict[str, tuple]:
    """The state_dict keys and shapes an architecture implies, checked without building it."""
    if depth > MAX_DEPTH:
        raise DataError(f"{where}: the architecture nests deeper than {MAX_DEPTH} levels")
    if not isinstance(arch, dict) or not isinstance(arch.get("type"), str):
        raise DataError(f"{where}: layer {prefix or 'model'} is not a {{type, config}} table: {str(arch)[:80]}")
    if arch["type"] == "Sequential":
        if not isinstance(arch.get("layers"), list):
            raise DataError(f"{where}: Sequential {prefix or 'model'} has no list of layers")
        out = {}
        for i, sub in enumerate(arch["layers"]):
            out.update(expected_state(sub, where, f"{prefix}{i}.", depth + 1))
        return out
    config = arch.get("config", {})
    if arch["type"] not in LAYER_TYPES or not isinstance(config, dict):
        raise DataError(f"{where}: unknown layer type {arch['type']!r} (or a config that is not a "
                        f"table) in the saved model; known: {sorted(LAYER_TYPES)}; for a block of your "
                        f"own, build it and pass it: nl.load(path, model=YourBlock(...))")
    unknown = sorted(set(config) - set(inspect.signature(LAYER_TYPES[arch["type"]]).parameters))
    if unknown:
        raise DataError(f"{where}: layer {prefix.rstrip('.') or 'model'} ({arch['type']}) has settings it does not take: "
                        f"{unknown}")
    if config.get("dtype", "float32") not in DTYPES:
        raise DataError(f"{where}: layer {prefix}{arch['type']} has dtype {config.get('dtype')!r}; "
                        f"expected one of {list(DTYPES)}")
    try:
        shapes = STATE_SHAPES.get(arch["type"], lambda c: {})(config)
    except (KeyError, TypeError) as e:
        raise DataError(f"{where}: {arch['type']} config lacks {e}") from None
    for name, shape in shapes.items():
        if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in shape):
            raise DataError(f"{where}: {prefix}{name} of {arch['type']} would have shape {shape}")
    return {f"{prefix}{k}": tuple(v) for k, v in shapes.items()}


def check_arrays(path: Path, expected: dict[str, tuple]) -> None:
    """Every array ``expected`` names ({key: shape}), of its shape and a float dtype, and nothing else."""
    found = {k: v for k, v in npz_headers(path).items() if k != META_KEY}
    if set(found) != set(expected):
        raise ShapeError(f"{path}: the arrays do not match the architecture; missing "
                         f"{sorted(set(expected) - set(found))}, unexpected {sorted(set(found) - set(expected))}")
    for key, (shape, dtype) in found.items():
        if shape != expected[key] or dtype.name not in DTYPES:
            raise ShapeError(f"{path}: {key} is {dtype.name} {shape}; the architecture needs a float "
                             f"({'/'.join(DTYPES)}) array of shape {expected[key]}")


def read_meta(path: Path, data) -> dict:
    if META_KEY not in data.files:
        raise DataError(f"{path}: not a nablab model (no {META_KEY} entry)")
    meta = json.loads(bytes(data[META_KEY]).decode("utf-8"))
    version = meta.get("format_version", 0) if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(version, int) \
            or isinstance(version, bool) or version > FORMAT_VERSION:
        got = f"{meta.get('format')} {version!r}" if isinstance(meta, dict) else f"a JSON {type(meta).__name__}"
        raise DataError(f"{path}: expected {FORMAT} format <= {FORMAT_VERSION} (an integer); got {got}")
    return meta


def load(path: str | os.PathLike, model=None):
    """Load a model saved by ``save``.

    With ``model=None`` the architecture is rebuilt from the file. With a model,
    its architecture must equal the saved one, else ShapeError says where they differ.
    """
    path = Path(path)
    try:
        # Open the file ourselves: np.load leaks its handle when a zip is truncated.
        headers = npz_headers(path)
        within(path, headers, {META_KEY: MAX_TEXT}, other=math.inf)   # the meta before it is read
        # the arrays read, then the model they go into: twice what the file declares
        require(2 * sum(math.prod(shape) * dtype.itemsize for shape, dtype in headers.values()), f"loading {path}")
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            meta = read_meta(path, data)
            saved = meta.get("architecture")
            if model is None:                     # sizes from the architecture, before anything is allocated
                expected = expected_state(saved, str(path))
            else:
                try:
                    mismatch = _first_difference(saved, architecture(model))
                except (AttributeError, KeyError, TypeError):
                    raise DataError(f"{path}: the saved architecture is not a {{type, config}} table") from None
                if mismatch:
                    raise ShapeError(f"{path}: saved architecture does not match the model: {mismatch}")
                expected = {k: v.shape for k, v in model.state_dict().items()}
            check_arrays(path, expected)
            state = {k: data[k] for k in data.files if k != META_KEY}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, RecursionError, UnicodeDecodeError) as e:
        if isinstance(e, (ShapeError, ConfigError)):
            raise
        raise DataError(f"{path}: cannot read saved model ({load_problem(e)})") from None
    if model is None:
        model = build(saved)
    model.load_state_dict(state)
    return model


def _first_difference(saved: dict, current: dict, where: str = "model") -> str | None:
    if saved.get("type") != current.get("type"):
        return f"{where} is {saved.get('type')} in the file, {current.get('type')} in the model"
    if saved["type"] == "Sequential":
        a, b = saved["layers"], current["layers"]
        if len(a) != len(b):
            return f"{where} has {len(a)} layers in the file, {len(b)} in the model"
        for i, (sa, sb) in enumerate(zip(a, b)):
            diff = _first_difference(sa, sb, f"layer {i}")
            if diff:
                return diff
        return None
    if saved.get("config") != current.get("config"):
        return f"{where} is {saved['type']}({saved.get('config')}) in the file, " \
               f"{current['type']}({current.get('config')}) in the model"
    a, b = saved.get("children") or {}, current.get("children") or {}
    if list(a) != list(b):
        return f"{where} has children {list(a)} in the file, {list(b)} in the model"
    for name in a:
        diff = _first_difference(a[name], b[name], f"{where}.{name}" if where != "model" else name)
        if diff:
            return diff
    return None
