"""The Dask executor: experiment tasks on a Dask cluster; the run directory is written here.

    --executor local              the default: this process (--jobs 1) or a process pool
    --executor dask               a LocalCluster on this machine: --jobs single-threaded workers
    --executor dask=tcp://H:8786  the scheduler at that address (``dask scheduler``), whose
                                  workers (``dask worker tcp://H:8786 --nthreads 1``) may run anywhere

A worker needs no access to the run directory. A task is sent the files it resumes from (its
checkpoint folder) as bytes, runs in a temporary folder of its own, and sends back every file it
wrote; the client checks the names and writes them into the run directory. When a worker dies
mid-task, the scheduler gives the task to another worker (it starts again from what was sent);
a task that fails on every try is reported "interrupted", so ``nablab run --resume`` finishes it.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from pathlib import Path, PurePosixPath

from ..errors import ConfigError, DataError
from ..files import atomic_write
from ..rundir import RunDir

INSTALL = 'pip install -e ".[distributed]"'


def parse_executor(text: str | None) -> str | None:
    """'local' (or None) → None; 'dask' → ''; 'dask=ADDRESS' → 'ADDRESS' (a Dask scheduler)."""
    if text is None or text == "local":
        return None
    if text == "dask":
        return ""
    if text.startswith("dask=") and text[5:].strip():
        return text[5:].strip()
    raise ConfigError(f"--executor expects local, dask or dask=ADDRESS (e.g. dask=tcp://127.0.0.1:8786); "
                      f"got {text!r}")


def import_distributed():
    try:
        import distributed
    except ImportError:
        raise ConfigError(f"--executor dask needs Dask's distributed package: {INSTALL}") from None
    return distributed


@contextlib.contextmanager
def client_for(address: str, jobs: int):
    """A Dask client: of the scheduler at ``address``, or of a LocalCluster of ``jobs``
    single-threaded worker processes on 127.0.0.1 (closed again at the end of the block)."""
    from .executor import single_threaded_blas
    distributed = import_distributed()
    import dask                                   # installed with distributed
    with contextlib.ExitStack() as stack:
        if not address:
            stack.enter_context(single_threaded_blas())         # the workers inherit it
            # the workers' statistical profiler samples every thread's stack 100 times a second
            stack.enter_context(dask.config.set({"distributed.worker.profile.enabled": False}))
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR))
            address = cluster.scheduler_address
        try:
            client = stack.enter_context(distributed.Client(address, timeout="20s"))
        except OSError as e:
            raise ConfigError(f"--executor dask={address}: no Dask scheduler answers there ({e}); "
                              "start one with `dask scheduler` and give its tcp:// address") from None
        yield client


def pack(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: {relative POSIX path: bytes}."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def unpack(files: dict[str, bytes], folder: Path) -> None:
    """Write what a worker sent into ``folder`` (each file atomically); a name that would leave
    the folder (absolute, '..', empty parts) is refused before anything is written."""
    for name in files:
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
            raise DataError(f"a Dask worker sent a file named {name!r}; expected a path inside the run directory")
    for name, data in files.items():
        atomic_write(folder / name, lambda f, data=data: f.write(data))


def remote_task(spec_json: dict, task, inputs: dict[str, bytes]):
    """On a worker: run one task in a temporary run directory seeded with ``inputs``;
    return (task, status, seconds, {path: bytes} of every file it wrote or changed)."""
    from .executor import timed_task
    with tempfile.TemporaryDirectory(prefix="nablab-task-") as tmp:
        unpack(inputs, Path(tmp))
        task, status, took = timed_task(spec_json, task, tmp, False)
        outputs = {k: v for k, v in pack(Path(tmp)).items() if inputs.get(k) != v}
    return tuple(task), status, took, outputs


def task_inputs(run: RunDir, task) -> dict[str, bytes]:
    """The files a task resumes from: its checkpoint folder, named relative to the run."""
    folder = run.checkpoint_dir(*task)
    return {f"{folder.relative_to(run.path).as_posix()}/{k}": v for k, v in pack(folder).items()}


def run_dask(items, client, on_done, log) -> None:
    """Every pending task of every item on the cluster, costliest first; results are written
    here as they arrive and ``on_done`` is called when an item's last task has ended."""
    from .executor import Tally
    from .registry import to_json
    distributed = import_distributed()
    tally = Tally(items, on_done, log)
    order = tally.order()
    futures = {client.submit(remote_task, to_json(items[i][0]), t, task_inputs(items[i][1], t),
                             pure=False, priority=len(order) - n): (i, t) for n, (i, t) in enumerate(order)}
    try:
        for future in distributed.as_completed(list(futures)):
            i, task = futures.pop(future)
            spec, run = items[i]
            try:
                _, status, took, outputs = future.result()
                unpack(outputs, run.path)
            except Exception as e:          # a worker that died on every try, or a task's error
                log(f"  {spec.name}: {task[0]} (seed {task[1]}) failed on the cluster: {e!r}")
                status, took = "interrupted", 0.0
            tally.record(i, task, status, took)
    except KeyboardInterrupt:
        log("Ctrl-C: the cluster's tasks are cancelled; finished ones are kept")
        client.cancel(list(futures))
        tally.interrupt_rest()
        raise
