"""Training checkpoints: model, optimizer, random states, history and position, atomically.

One file ``checkpoint.npz``: arrays under ``model/<key>`` and ``optim/<i>/<key>``, and one
``__meta__`` JSON entry (iteration, sampler position, RNG states, history, hyperparameters).
Written to a temporary file and renamed, so a crash (even SIGKILL) leaves either the
previous checkpoint or the new one, never half of one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..files import atomic_write
from ..errors import DataError

META = "__meta__"


def rng_layers(model) -> list:
    """Layers that own a random generator (dropout), anywhere in the model, in model order."""
    return [layer for layer in model.modules() if hasattr(layer, "rng")]


def save_checkpoint(path: Path, *, model, optimizer, meta: dict) -> Path:
    arrays = {f"model/{k}": v for k, v in model.state_dict().items()}
    opt_state = optimizer.state_dict()
    plain_state = []
    for i, s in enumerate(opt_state["state"]):
        plain = {}
        for k, v in s.items():
            if isinstance(v, np.ndarray):
                arrays[f"optim/{i}/{k}"] = v
            else:
                plain[k] = v
        plain_state.append(plain)
    meta = dict(meta, optimizer={"type": opt_state["type"], "hyper": opt_state["hyper"],
                                 "steps": opt_state["steps"], "plain_state": plain_state},
                layer_rngs=[layer.rng.bit_generator.state for layer in rng_layers(model)])
    arrays[META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    atomic_write(path, lambda f: np.savez(f, **arrays))
    return path


def load_checkpoint(path: Path, *, model, optimizer) -> dict:
    """Restore model and optimizer in place; return the meta dict (iteration, rng, history...)."""
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            meta = json.loads(bytes(data[META]).decode("utf-8"))
            arrays = {k: data[k] for k in data.files if k != META}
    except (OSError, ValueError, KeyError) as e:
        raise DataError(f"{path}: unreadable checkpoint ({e})") from e
    model.load_state_dict({k[len("model/"):]: v for k, v in arrays.items() if k.startswith("model/")})
    opt = meta["optimizer"]
    state = [dict(plain) for plain in opt["plain_state"]]
    for k, v in arrays.items():
        if k.startswith("optim/"):
            _, i, key = k.split("/", 2)
            state[int(i)][key] = v
    optimizer.load_state_dict({"type": opt["type"], "hyper": opt["hyper"], "steps": opt["steps"],
                               "state": state})
    for layer, st in zip(rng_layers(model), meta["layer_rngs"]):
        layer.rng.bit_generator.state = st
    return meta
