"""Training: one step, the loop over it, its hooks, history, diagnostics (probes) and checkpoints."""

from .history import History
from .hooks import Checkpoints, Evaluate, Hook, Loop, ProgressBar, accuracy
from .loop import TrainingDiverged, fit
from .probes import PROBES, Probes, ProbeSet
from .sampling import BatchSampler
from .step import train_step

__all__ = ["BatchSampler", "Checkpoints", "Evaluate", "History", "Hook", "Loop", "PROBES", "Probes", "ProbeSet",
           "ProgressBar", "TrainingDiverged", "accuracy", "fit", "train_step"]
