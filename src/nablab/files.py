"""Writing files so that a crash never leaves half of one (write beside, then rename), and JSON."""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .errors import ConfigError, DataError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()          # what open() would give a new file


def atomic_write(path: Path, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it into place.

    The rename is atomic: readers see the old file or the new one, never a mix; if ``write``
    fails (or the process is killed) no partial file takes the name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the writer's pid is in the name, so clean-up can tell a dead writer's leftovers from a live one's
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".part")
    try:
        os.close(fd)
        with open(tmp, "wb") as f:                # a file object that knows its name (f.name)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)                # mkstemp makes 0600 files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:                      # someone else's process: alive
        return True
    return True


def remove_stale_parts(folder: Path, name: str) -> list[Path]:
    """Delete ``.<name>.<pid>.*.part`` files in ``folder`` whose writing process is gone."""
    removed = []
    for part in Path(folder).glob(f".{name}.*.part"):
        pid = part.name[len(name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or not alive(int(pid)):
            part.unlink(missing_ok=True)
            removed.append(part)
    return removed


def open_lock_file(path: Path) -> int:
    """A descriptor of the lock file ``path`` (made if missing), opened read-write without following a
    symbolic link or waiting on a FIFO; a ConfigError unless it is a plain file with one name — its
    holder's name is written into it, so a FIFO, a device or a hard link shared with another file
    (``cp -al``) is never written through."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        raise ConfigError(f"{path}: not a plain file of its own (a FIFO, a device, or a hard link shared "
                          f"with {info.st_nlink - 1} other name(s)); delete it and try again")
    return fd


def refuse_links(folder: Path, advice: str) -> None:
    """A ConfigError if a symbolic link is anywhere inside ``folder`` (``folder`` itself may be one):
    writing through it would change files elsewhere. Nothing is followed (os.walk never does)."""
    if not Path(folder).is_dir():
        return
    for where, dirs, files in os.walk(folder):
        for name in dirs + files:
            entry = Path(where) / name
            if entry.is_symlink():
                raise ConfigError(f"{entry} is a symbolic link (to {os.readlink(entry)}); {advice}")


def npz_headers(path: Path) -> dict:
    """{name: (shape, dtype)} of every array in an .npz, read from the .npy headers only — nothing is
    decompressed beyond them, so a file can be judged by what it declares before it is loaded (a
    1.5 MB file may declare gigabytes of zeros). An array whose header promises more (or fewer)
    bytes than the file holds, or stored with a compression Python cannot read, is a DataError."""
    out = {}
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)         # opening a FIFO does not wait
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise DataError(f"{path}: not a regular file (a FIFO, a device or a directory); nablab reads only "
                        "regular files")
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as file, zipfile.ZipFile(file) as z:
        for info in z.infolist():
            try:
                with z.open(info) as f:
                    version = np.lib.format.read_magic(f)
                    reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                        np.lib.format.read_array_header_2_0
                    shape, _, dtype = reader(f)
                    stored = info.file_size - f.tell()
            except NotImplementedError:
                raise DataError(f"{path}: {info.filename} is stored with zip compression method "
                                f"{info.compress_type}, which nablab does not read (it writes deflate)") from None
            if dtype.hasobject:
                raise DataError(f"{path}: {info.filename} holds pickled Python objects, which nablab never "
                                "loads (they could run code)")
            if math.prod(shape) * dtype.itemsize != stored:
                raise DataError(f"{path}: {info.filename} declares {shape} of {dtype} but holds {stored} bytes")
            out[info.filename.removesuffix(".npy")] = (tuple(shape), dtype)
    return out


def within(path: Path, headers: dict, limits: dict[str, int], other: int = 0) -> None:
    """Each array of ``headers`` (npz_headers) declares at most ``limits[name]`` bytes (``other`` for
    names not listed) — checked before anything is decompressed; a DataError names the first over."""
    for name, (shape, dtype) in headers.items():
        size, limit = math.prod(shape) * dtype.itemsize, limits.get(name, other)
        if size > limit:
            raise DataError(f"{path}: {name} declares {shape} of {dtype} ({size:,} bytes); such a file holds "
                            f"at most {limit:,} bytes there")


def load_problem(e: BaseException) -> str:
    """What np.load's exception says, for a user: numpy's advice to pass ``allow_pickle=True``
    (or to use pickle.load) would run code from the file, so it is never repeated."""
    text = str(e)
    if "pickle" in text.lower():
        return "it holds pickled Python objects, which nablab never loads (they could run code)"
    return f"{type(e).__name__}: {text[:200]}"


def write_json(path: Path, obj) -> Path:
    """``obj`` as indented UTF-8 JSON, written atomically."""
    return write_text(path, json.dumps(obj, indent=2, ensure_ascii=False))


def write_text(path: Path, text: str) -> Path:
    """``text`` as UTF-8, written atomically: a new file takes the name, so a hard link to the old
    one (``cp -al`` of a run directory) is never written through."""
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    return Path(path)


def write_new(path: Path, text: str, exists: str) -> Path:
    """``text`` into a file that does not exist yet (O_EXCL | O_NOFOLLOW): never over a learner's file,
    never through a symbolic link, even a dangling one. ``exists``: the ConfigError's advice."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except FileExistsError:
        raise ConfigError(f"{path} exists; {exists}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


MAX_TEXT = 64 * 2**20          # a spec, a history, a TOML or a progress file is far smaller


def read_regular(path: Path, limit: int = MAX_TEXT) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes. A FIFO (whose read
    would wait for a writer forever), a device such as /dev/zero (endless) or a directory is a
    DataError before anything is read; so is a file over the limit."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)      # opening a FIFO does not wait
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"{path}: not a regular file (a FIFO, a device or a directory); nablab reads "
                            f"only regular files")
        if info.st_size > limit:
            raise DataError(f"{path}: {info.st_size:,} bytes, more than the {limit:,} such a file may hold")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise DataError(f"{path}: more than the {limit:,} bytes such a file may hold")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_json(path: Path):
    """The JSON in ``path``; a missing, damaged or non-regular file is a DataError naming it."""
    try:
        return json.loads(read_regular(path).decode("utf-8"))
    except FileNotFoundError as e:
        raise DataError(f"{path}: missing") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f"{path}: not readable JSON ({e})") from e
    except RecursionError:
        raise DataError(f"{path}: not readable JSON (nested too deeply)") from None
