"""nl.save / nl.load: a model as one .npz file, no pickle.

The file holds every parameter and buffer under its state_dict key, plus one
entry ``__nablab__``: UTF-8 JSON with the architecture (each layer's type and
constructor arguments), dtype and versions. It is written to a temporary file
beside the target and renamed, so a crash never leaves a half-written model.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from . import layers as L
from .errors import DataError, ShapeError
from .files import atomic_write

META_KEY = "__nablab__"
FORMAT = "nablab-model"
FORMAT_VERSION = 1

# Layer types that nl.load can rebuild.
LAYER_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (L.Linear, L.ReLU, L.Sigmoid, L.Tanh, L.LeakyReLU, L.BatchNorm,
                                  L.Dropout, L.Flatten, L.Conv2d, L.MaxPool2d, L.AvgPool2d,
                                  L.GlobalAvgPool2d)
}


def architecture(model) -> dict:
    """A JSON-able description: {"type": "Sequential", "layers": [{"type", "config"}, ...]}."""
    if isinstance(model, L.Sequential):
        return {"type": "Sequential", "layers": [architecture(layer) for layer in model]}
    return {"type": type(model).__name__, "config": model.config()}


def build(arch: dict):
    """Rebuild a model (with fresh weights) from ``architecture(model)``."""
    if arch.get("type") == "Sequential":
        return L.Sequential(*(build(a) for a in arch["layers"]))
    cls = LAYER_TYPES.get(arch.get("type"))
    if cls is None:
        raise DataError(f"unknown layer type {arch.get('type')!r} in saved model; "
                        f"known: {sorted(LAYER_TYPES)}")
    return cls(**arch.get("config", {}))


def save(model, path: str | os.PathLike) -> Path:
    """Write model weights and architecture to ``path`` (.npz) atomically; return the path."""
    from . import __version__

    path = Path(path)
    arrays = model.state_dict()
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "nablab_version": __version__,
            "numpy_version": np.__version__, "architecture": architecture(model),
            "dtypes": sorted({a.dtype.name for a in arrays.values()})}
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    atomic_write(path, lambda f: np.savez(f, **arrays))
    return path


def read_meta(path: Path, data) -> dict:
    if META_KEY not in data.files:
        raise DataError(f"{path}: not a nablab model (no {META_KEY} entry)")
    meta = json.loads(bytes(data[META_KEY]).decode("utf-8"))
    if meta.get("format") != FORMAT or meta.get("format_version", 0) > FORMAT_VERSION:
        raise DataError(f"{path}: expected {FORMAT} format <= {FORMAT_VERSION}; "
                        f"got {meta.get('format')} {meta.get('format_version')}")
    return meta


def load(path: str | os.PathLike, model=None):
    """Load a model saved by ``save``.

    With ``model=None`` the architecture is rebuilt from the file. With a model,
    its architecture must equal the saved one, else ShapeError says where they differ.
    """
    path = Path(path)
    try:
        # Open the file ourselves: np.load leaks its handle when a zip is truncated.
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            meta = read_meta(path, data)
            state = {k: data[k] for k in data.files if k != META_KEY}
    except (OSError, ValueError, zipfile.BadZipFile, json.JSONDecodeError) as e:
        raise DataError(f"{path}: cannot read saved model ({e})") from e
    saved = meta["architecture"]
    if model is None:
        model = build(saved)
    else:
        mismatch = _first_difference(saved, architecture(model))
        if mismatch:
            raise ShapeError(f"{path}: saved architecture does not match the model: {mismatch}")
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
    return None
