"""Training: the loop, its history, diagnostics (probes) and checkpoints."""

from .history import History
from .loop import TrainingDiverged, accuracy, fit
from .probes import PROBES, ProbeSet
from .sampling import BatchSampler

__all__ = ["BatchSampler", "History", "PROBES", "ProbeSet", "TrainingDiverged", "accuracy", "fit"]
