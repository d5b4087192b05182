"""The data an experiment trains on: loaded once per process, described for results.json."""

from __future__ import annotations

import functools

import numpy as np

from ..data import load as load_dataset


@functools.lru_cache(maxsize=4)
def dataset(name: str, n_train, n_test, subset: str, flatten: bool, seed: int = 0):
    """The dataset for a run, loaded once per process (the cache makes later loads cheap)."""
    return load_dataset(name, n_train=n_train, n_test=n_test, subset=subset, flatten=flatten,
                        seed=seed, progress=False)


def data_for(spec_data):
    """The Dataset of a DataSpec."""
    return dataset(spec_data.name, spec_data.n_train, spec_data.n_test, spec_data.subset,
                   spec_data.flatten)


def describe(spec_data) -> dict:
    """What results.json says about the data: name, source, sizes and the majority-class share
    of the test set (the accuracy of a net that always answers the most frequent class)."""
    ds = data_for(spec_data)
    counts = np.bincount(ds.y_test)
    return {"name": ds.name, "source": ds.source, "n_train": len(ds.y_train), "n_test": len(ds.y_test),
            "majority_share": float(counts.max() / len(ds.y_test))}
