"""Hyperparameter sweeps on Optuna: ``nablab sweep`` and the catalogue's sweep experiments.

    space.py    KEY=DIST items (loguniform, uniform, int, choice), checked before anything runs
    trial.py    one trial on a worker: train on the training split, score on the validation split
    study.py    the study (SQLite or any RDB URL), ask/tell, the executors trials run on
    results.py  a sweep from start to data.json (the best trial's test accuracy measured once)
    figures.py  metric against each value, the best 20 learning curves
    command.py  ``nablab sweep``

Optuna (and Dask, for --executor dask) come with ``pip install -e ".[distributed]"``; nothing
here imports them until a sweep runs.
"""
