"""The calls' outcomes and the local process pool: what every backend (backends.py) shares.

A call runs inside ``guarded``, so its error comes back as ``Outcome(ok=False, error=<traceback>)``
on every backend, never raised. Pool workers are spawned with Ctrl-C held and hold it themselves
(fit stops a running training at its next step); the pool stops them within bounded time.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ..pipes import release_stop_signals, stop_signals_held
from ..train.loop import hold_ctrl_c

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
GRACE_S = 6.0          # after Ctrl-C: how long running tasks get to stop at their next step before
                       # their workers are killed (their checkpoints are written atomically)


@dataclass(frozen=True)
class Outcome:
    """How one call ended: its value, or the text of the error that ended it."""
    ok: bool
    value: Any = None
    error: str = ""


def guarded(fn, *args) -> Outcome:
    """``fn(*args)`` as an Outcome; runs where the call runs (in the worker), so the traceback
    is the worker's own. Ctrl-C (KeyboardInterrupt) is not an error: it propagates."""
    try:
        return Outcome(True, fn(*args))
    except Exception:
        return Outcome(False, error=traceback.format_exc())


def lost(e: BaseException) -> Outcome:
    """A call that never came back (its worker died, the pool broke, the cluster gave up)."""
    text = "".join(traceback.format_exception_only(type(e), e)).strip() or repr(e)
    if isinstance(e, BrokenProcessPool):
        text = ("BrokenProcessPool: a worker process was killed (by the out-of-memory killer? see "
                "`dmesg`), which ends every task the pool held at that moment")
    return Outcome(False, error=text)


@contextlib.contextmanager
def single_threaded_blas():
    """Worker processes inherit one BLAS thread each: N jobs on N cores, not N × N threads."""
    saved = {k: os.environ.get(k) for k in BLAS_THREADS}
    os.environ.update({k: "1" for k in BLAS_THREADS})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def start_worker() -> None:
    """A pool worker's first act: die with its parent and hold Ctrl-C (fit's handler stops a running
    training at its next step, checkpointed; a Ctrl-C that arrives while the worker is idle or still
    loading a task's data stops that task at its first step). The worker was started with Ctrl-C
    blocked (Pool.submit): it is let through only now, so one from the terminal during start-up is
    held, not fatal."""
    die_with_parent()
    hold_ctrl_c()
    release_stop_signals()


def die_with_parent() -> None:
    """On Linux, ask the kernel for SIGKILL when the process that started this one dies: a main
    process killed (SIGKILL, the OOM killer) must not leave workers training for minutes into a run
    directory whose lock is gone (PR_SET_PDEATHSIG = 1). Elsewhere nothing changes."""
    if not os.uname().sysname == "Linux":
        return
    import ctypes
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:                                # it died before the request: go now
        os._exit(1)


class Pool:
    """A pool of ``jobs`` spawned processes, each with one BLAS thread. Processes start (in
    ``submit``) and stop (``close``) with Ctrl-C held, so neither is cut in half; a pool broken by a
    killed worker is replaced for the calls that follow."""

    def __init__(self, jobs: int, stack: contextlib.ExitStack):
        self.slots, self._context, self.stopping = jobs, multiprocessing.get_context("spawn"), False
        stack.enter_context(single_threaded_blas())
        self.pool = self._new_pool()
        stack.callback(self.close)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.slots, mp_context=self._context,
                                   initializer=start_worker)

    def submit(self, fn, *args) -> Future:
        with stop_signals_held():                   # a worker may start now
            try:
                return self.pool.submit(guarded, fn, *args)
            except BrokenProcessPool:                 # a worker was killed: the calls out are lost
                self._shut(self.pool, 1.0)
                self.pool = self._new_pool()
                return self.pool.submit(guarded, fn, *args)

    def next_done(self, handles, timeout=None):
        """The next call to end and its Outcome; None if none ended within ``timeout`` seconds."""
        done = wait(handles, timeout=timeout, return_when=FIRST_COMPLETED)[0]
        if not done:
            return None
        handle = next(iter(done))
        try:
            return handle, handle.result()
        except Exception as e:                        # the worker died (BrokenProcessPool)
            return handle, lost(e)

    def stop(self, handles) -> list:
        """Queued calls are cancelled; every worker is sent SIGINT (one still starting has it blocked
        and takes it when its handler is in place: its first task stops at its first step); the
        running calls still end."""
        self.stopping = True
        running = [h for h in handles if not h.cancel()]
        for process in list((self.pool._processes or {}).values()):
            with contextlib.suppress(ProcessLookupError, PermissionError, TypeError):
                os.kill(process.pid, signal.SIGINT)
        return running

    def close(self) -> None:
        """Stop the workers with Ctrl-C held: each gets a few seconds to end on its own (after Ctrl-C,
        drain has already given the running tasks GRACE_S), then it is killed; the main process never
        waits for good."""
        with stop_signals_held():
            self._shut(self.pool, 1.0 if self.stopping else GRACE_S)

    @staticmethod
    def _shut(pool: ProcessPoolExecutor, wait_s: float) -> None:
        processes = list((pool._processes or {}).values())      # the executor's own record of them
        manager = pool._executor_manager_thread
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + wait_s
        for process in processes:
            process.join(max(deadline - time.monotonic(), 0))
            if process.is_alive():
                process.kill()
                process.join(1)
        if manager is not None:
            manager.join(wait_s)                       # it ends once its workers have
