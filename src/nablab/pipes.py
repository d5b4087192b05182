"""How the commands that work (run, report, sweep) meet their surroundings: a stdout that outlives
its reader (`nablab run ... | head -1` must not leave a run unfinished) and SIGTERM taken as Ctrl-C
(`timeout`, `kill`, a service manager: the run stops at its next step, checkpointed, resumable)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading


class PipeSafe:
    """stdout for the commands that do work (run, report, sweep): when its reader goes away
    (`nablab run ... | head -1`) the rest of the output is dropped and the work goes on to the end — a
    run is never left unfinished with exit code 0 because nobody was reading its log."""

    def __init__(self, stream):
        self.stream, self.gone = stream, False

    def _drop(self) -> None:
        self.gone = True
        with contextlib.suppress(OSError, ValueError):           # nothing more reaches the closed pipe
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._drop()

    def __getattr__(self, name):
        return getattr(self.stream, name)


@contextlib.contextmanager
def pipe_safe_stdout(enabled: bool = True):
    """sys.stdout wrapped in PipeSafe for the duration (restored after); nothing when not ``enabled``."""
    if not enabled or isinstance(sys.stdout, PipeSafe):
        yield
        return
    old, sys.stdout = sys.stdout, PipeSafe(sys.stdout)
    try:
        yield
    finally:
        sys.stdout = old


@contextlib.contextmanager
def terminate_as_interrupt(enabled: bool = True):
    """SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C does, for the duration."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt
    old = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def tolerant_streams() -> None:
    """stdout and stderr write what their encoding cannot (日本語 under PYTHONIOENCODING=latin-1,
    a C-locale terminal) as \\uXXXX escapes instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")


STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def stop_signals_held():
    """Ctrl-C and SIGTERM wait (blocked, pending in the kernel) until the block ends, then act as
    usual: for the steps that must not be cut in half — starting a worker process (a child forked
    now inherits the block, so a Ctrl-C from the terminal cannot kill it before it installs its own
    handler) and stopping the pool (a Ctrl-C there used to leave the main process waiting for a
    worker forever)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def release_stop_signals() -> None:
    """In a worker, once its own Ctrl-C handler is in place: the signals its parent held when it
    started are let through (one that came meanwhile is delivered now, to that handler)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def quiet_exit() -> None:
    """The command has decided how it ends: further Ctrl-C (a user pressing it again while the
    resume hint prints) no longer turn exit code 130 into a death by signal."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
