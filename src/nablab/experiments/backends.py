"""Where work runs: one small interface, three backends, one drain loop.

    Here     this process, one call at a time (``--jobs 1``)
    Pool     a pool of ``--jobs`` spawned single-threaded processes (workers.py)
    Dask     a Dask client: a LocalCluster (``--executor dask``) or a scheduler you started
             (``--executor dask=tcp://HOST:8786``)

A backend has ``slots`` (calls in flight at once), ``submit(fn, *args) -> handle``,
``next_done(handles, timeout=None) -> (handle, Outcome)`` (waits for the next call to end; None
when none ended within ``timeout`` seconds) and
``stop(handles) -> handles that will still end`` (Ctrl-C: queued calls are dropped, running
ones are told to stop). Every call runs inside ``guarded``, so an error in it comes back the
same way on every backend: ``Outcome(ok=False, error=<the traceback's text>)``, never raised.
``drain`` keeps the slots filled from a stream of work and hands each outcome to the caller:
experiments (executor.py) and sweeps (sweep/study.py) both run through it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..errors import ConfigError
from .workers import GRACE_S, Outcome, Pool, guarded, lost, single_threaded_blas

__all__ = ["Here", "Pool", "Dask", "Outcome", "guarded", "drain", "call", "open_backend", "parse_executor"]

INSTALL = 'pip install -e ".[distributed]"'


@dataclass(frozen=True, eq=False)
class Call:
    """A call Here will make when it is asked for the next one to end."""
    fn: Callable
    args: tuple


class Here:
    """Calls run in this process, one at a time, when ``next_done`` asks for them (a Ctrl-C
    reaches a running training directly: fit stops it at its next step)."""
    slots = 1

    def submit(self, fn, *args) -> Call:
        return Call(fn, args)

    def next_done(self, handles, timeout=None):
        handle = handles[0]
        return handle, guarded(handle.fn, *handle.args)

    def stop(self, handles) -> list:
        return []


class Dask:
    """A Dask client; calls run on its workers (one per worker thread at a time). ``local``: a
    LocalCluster on this machine (its workers reach this machine's files)."""

    def __init__(self, client, jobs: int, local: bool = False):
        self.client, self.local = client, local
        self.slots = max(jobs, sum(client.nthreads().values()))

    def submit(self, fn, *args):
        return self.client.submit(guarded, fn, *args, pure=False)

    def next_done(self, handles, timeout=None):
        import distributed
        try:
            done = distributed.wait(list(handles), timeout=timeout, return_when="FIRST_COMPLETED").done
        except distributed.TimeoutError:
            return None
        handle = next(iter(done))
        try:
            return handle, handle.result()
        except Exception as e:                        # KilledWorker: the task's workers died on every try
            return handle, lost(e)

    def stop(self, handles) -> list:
        self.client.cancel(list(handles))
        return []


def parse_executor(text: str | None) -> str | None:
    """'local' (or None) → None; 'dask' → ''; 'dask=ADDRESS' → 'ADDRESS' (a Dask scheduler)."""
    if text is None or text == "local":
        return None
    if text == "dask":
        return ""
    if text.startswith("dask=") and text[5:].strip():
        return scheduler_address(text[5:].strip())
    raise ConfigError(f"--executor expects local, dask or dask=ADDRESS (e.g. dask=tcp://127.0.0.1:8786); "
                      f"got {text!r}")


def scheduler_address(text: str) -> str:
    """'tcp://HOST:PORT' (or 'HOST:PORT'), checked: a host, a port from 1 to 65535 and a scheduler
    answering there within 5 s — before anything is written (a bad address used to fail after the run
    directory existed, or with a traceback from inside Dask)."""
    import socket
    address = text if "://" in text else f"tcp://{text}"
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    if scheme != "tcp" or not host or not port.isdigit() or not 1 <= int(port) <= 65535 or "/" in rest:
        raise ConfigError(f"--executor dask=ADDRESS expects a scheduler's tcp://HOST:PORT (e.g. "
                          f"dask=tcp://127.0.0.1:8786); got {text!r}")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as e:
        raise ConfigError(f"--executor dask={text}: no Dask scheduler answers at {host}:{port} ({e.strerror or e}); "
                          "start one with `dask scheduler` and give its tcp:// address") from None
    return address


def import_distributed():
    try:
        import distributed
    except ImportError:
        raise ConfigError(f"--executor dask needs Dask's distributed package: {INSTALL}") from None
    return distributed


def dask_client(address: str, jobs: int, stack: contextlib.ExitStack):
    """A client of the scheduler at ``address``, or of a LocalCluster of ``jobs`` single-threaded
    worker processes on 127.0.0.1 (``address`` ''), closed with ``stack``."""
    distributed = import_distributed()
    import dask                                   # installed with distributed
    if not address:
        stack.enter_context(single_threaded_blas())         # the workers inherit it
        # the workers' statistical profiler samples every thread's stack 100 times a second
        stack.enter_context(dask.config.set({"distributed.worker.profile.enabled": False}))
        cluster = stack.enter_context(distributed.LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=logging.ERROR))
        address = cluster.scheduler_address
    try:
        return stack.enter_context(distributed.Client(address, timeout="20s"))
    except OSError as e:
        raise ConfigError(f"--executor dask={address}: no Dask scheduler answers there ({e}); "
                          "start one with `dask scheduler` and give its tcp:// address") from None


@contextlib.contextmanager
def open_backend(where: str | None, jobs: int):
    """The backend ``--executor`` and ``--jobs`` ask for: Dask (``where`` not None), a Pool
    (jobs > 1) or Here; closed (its processes stopped) at the end of the block."""
    with contextlib.ExitStack() as stack:
        if where is not None:
            yield Dask(dask_client(where, jobs, stack), jobs, local=not where)
        elif jobs > 1:
            yield Pool(jobs, stack)
        else:
            yield Here()


def drain(backend, work: Iterable[tuple[Any, Callable, tuple]], on_outcome: Callable[[Any, Outcome], None]) -> None:
    """Run ``work`` — (key, fn, args) items, taken one at a time as slots free up, so a lazy
    stream (a sweep asking its next trial) sees every earlier outcome it can — and call
    ``on_outcome(key, outcome)`` as each call ends, in the order they end.

    Ctrl-C (KeyboardInterrupt here): the backend stops what is in flight, the calls that still
    end are handed over as usual, and the interrupt is raised again for the caller."""
    work, running = iter(work), {}
    try:
        while True:
            while len(running) < backend.slots and (item := next(work, None)) is not None:
                key, fn, args = item
                running[backend.submit(fn, *args)] = key
            if not running:
                return
            handle, outcome = backend.next_done(list(running))
            on_outcome(running.pop(handle), outcome)
    except KeyboardInterrupt:
        still = backend.stop(list(running))
        running, deadline = {h: running[h] for h in still}, time.monotonic() + GRACE_S
        while running and (left := deadline - time.monotonic()) > 0:
            ended = backend.next_done(list(running), timeout=left)
            if ended is None:                     # not stopped in time: the backend's close kills them
                break
            handle, outcome = ended
            on_outcome(running.pop(handle), outcome)
        raise


def call(backend, fn, *args):
    """``fn(*args)`` on ``backend``, waited for; its error (as the backend reports it) is raised
    here as a RuntimeError carrying the worker's traceback."""
    done = []
    drain(backend, [(None, fn, args)], lambda key, outcome: done.append(outcome))
    if not done[0].ok:
        raise RuntimeError(f"{getattr(fn, '__name__', fn)} failed:\n{done[0].error}")
    return done[0].value
