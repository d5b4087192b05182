"""One process at a time in a folder: an OS lock (flock) on its ``.lock`` file, which the kernel
releases when the process ends, however it ends (SIGKILL included). The holder writes its pid, host,
start time and command (credentials redacted) into the file, so a refused second process can say who
holds it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from pathlib import Path

from .credentials import redact
from .errors import ConfigError
from .files import open_lock_file


@contextlib.contextmanager
def held(folder: Path, command: str = "", check=lambda: None):
    """Hold ``folder`` for the block (made if missing); ``check()`` runs once the lock is taken (a
    run directory refuses symbolic links inside). A ConfigError names a holder that is alive."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = open_lock_file(folder / ".lock")
    except OSError as e:
        if (folder / ".lock").is_symlink():
            check()
        raise ConfigError(f"{folder}: cannot use as a run directory ({e.strerror or e})") from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = ""
        for _ in range(50):          # the holder writes its name just after it takes the lock
            holder = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip()
            if holder:
                break
            time.sleep(0.01)
        os.close(fd)
        raise ConfigError(f"{folder} is in use by {holder or 'another process'}; wait for it to end or "
                          "choose another --out") from None
    try:
        check()
    except ConfigError:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since "
                  f"{time.strftime('%H:%M:%S')} ({redact(command) or 'nablab'})".encode(), 0)
    try:
        yield
    finally:
        os.ftruncate(fd, 0)
        os.close(fd)                      # closing releases the lock
