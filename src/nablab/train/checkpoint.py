"""Training checkpoints: model, optimizer, random states, history and position, atomically.

One file ``checkpoint.npz``: arrays under ``model/<key>`` and ``optim/<i>/<key>``, and one
``__meta__`` JSON entry (iteration, sampler position, RNG states, history, hyperparameters).
Written to a temporary file and renamed, so a crash (even SIGKILL) leaves either the
previous checkpoint or the new one, never half of one.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from ..files import MAX_TEXT, atomic_write, load_problem, npz_headers, within
from ..errors import ConfigError, DataError

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


def plain(obj):
    """``obj`` as JSON would give it back (tuples → lists, numpy scalars → numbers), so
    fingerprints compare equal however their numbers were given."""
    return json.loads(json.dumps(obj, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


def differences(saved: dict, now: dict, where: str = "") -> list[str]:
    """'optimizer.hyper.lr: 0.1 in the checkpoint, 0.5 now', for every differing leaf."""
    out = []
    for key in sorted(set(saved) | set(now)):
        a, b, name = saved.get(key), now.get(key), f"{where}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            out += differences(a, b, name + ".")
        elif a != b:
            out.append(f"{name}: {json.dumps(a)[:80]} in the checkpoint, {json.dumps(b)[:80]} now")
    return out


def check_declared(path: Path, headers: dict, model, optimizer) -> None:
    """What the checkpoint declares (npz_headers) is what this model and optimizer hold: each
    ``model/<key>`` of its parameter's shape, each ``optim/<i>/<key>`` of parameter i's, a meta of at
    most MAX_TEXT bytes — a small file declaring gigabytes is refused before it is decompressed."""
    shapes = {f"model/{k}": v.shape for k, v in model.state_dict().items()}
    params = [p.data.shape for p in optimizer.params]
    for name, (shape, dtype) in headers.items():
        if name == META:
            within(path, {name: (shape, dtype)}, {META: MAX_TEXT})
            continue
        parts = name.split("/")
        want = shapes.get(name) if parts[0] == "model" else \
            params[int(parts[1])] if parts[0] == "optim" and len(parts) == 3 and parts[1].isdigit() \
            and int(parts[1]) < len(params) else None
        if want is None or tuple(shape) != tuple(want):
            raise DataError(f"{name} declares {shape}; this model and optimizer hold "
                            f"{'no such array' if want is None else tuple(want)}")


def load_checkpoint(path: Path, *, model, optimizer, expect: dict | None = None) -> dict:
    """Restore model and optimizer in place; return the meta dict (iteration, rng, history...).

    ``expect``: the fingerprint of what is resuming (architecture, optimizer and its settings,
    fit settings, data shapes); a checkpoint made by anything else is refused with a
    ConfigError that says what differs — before anything is restored.
    """
    try:
        check_declared(path, npz_headers(path), model, optimizer)        # before anything is decompressed
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            meta = json.loads(bytes(data[META]).decode("utf-8"))
            arrays = {k: data[k] for k in data.files if k != META}
        if not isinstance(meta, dict) or not {"optimizer", "layer_rngs"} <= meta.keys():
            raise ValueError("its meta lacks the optimizer state or the layers' random states")
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError,
            RecursionError, DataError) as e:
        raise DataError(f"{path}: unreadable checkpoint ({load_problem(e)}); delete it to "
                        f"start this run again from iteration 0") from None
    if expect is not None and meta.get("fingerprint") != plain(expect):
        diff = differences(meta.get("fingerprint") or {}, plain(expect))
        raise ConfigError(f"{path} was made by a different run: {'; '.join(diff[:5])}. "
                          f"Resume with the same settings, or delete the checkpoint (or pass "
                          f"resume=False) to start fresh")
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
