"""RunDir: the only code that knows a run directory's layout.

    <run>/spec.json                          written once, when the run is created: the resolved
                                             spec, library versions, machine, command, dataset
    <run>/sessions.json                      one entry per session that ran (wall time, how it ended)
    <run>/history/<key>/seed<k>.json, .csv   one training task's History (classification kinds)
    <run>/checkpoints/<key>/seed<k>/         that task's checkpoint.npz
    <run>/data.json                          what a one-task kind computed
    <run>/study.db                           a sweep's Optuna study (SQLite), unless --storage
    <run>/results.json                       the numbers every reader uses: figures, summary, report
    <run>/figures/<name>.png, .svg
    <run>/summary.md

A variant's folder name is its key, made safe for a file system by :func:`folder_name`.
Experiments write through a RunDir; the report and the figures read through one. Nothing
else builds a path inside a run directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from pathlib import Path

from .errors import ConfigError, DataError
from .files import atomic_write, read_json, refuse_links, write_json
from .locking import held
from .results import Results, parse


def folder_name(key: str) -> str:
    """A folder name for a variant key or label: 'ReLU - He (course)' → 'relu-he-course'."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "run"


class RunDir:
    """One run directory. ``RunDir(path).results()`` is what a reader wants first."""

    SPEC, RESULTS, SESSIONS, DATA, SUMMARY = ("spec.json", "results.json", "sessions.json",
                                              "data.json", "summary.md")

    def __init__(self, path: str | Path, figures_dir: str | Path | None = None):
        self.path = Path(path)
        self._figures_dir = Path(figures_dir) if figures_dir is not None else None

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    # -- one owner at a time ----------------------------------------------------------------
    @contextlib.contextmanager
    def owned(self, command: str = ""):
        """Hold this run directory for the block (locking.held: flock on ``.lock``, released by the
        kernel however the process ends); a second process is refused with a ConfigError naming the
        holder. A folder with a symbolic link inside is refused too."""
        with held(self.path, command, self.check_links):
            yield self

    # -- no symbolic links inside ---------------------------------------------------------
    def check_links(self) -> "RunDir":
        """Refuse a run directory with a symbolic link anywhere inside it: through a link, a
        resume would write and delete files elsewhere, and a report would embed another file.
        (The run directory itself may be reached through a link.) Nothing is followed."""
        refuse_links(self.path, "a run directory holds only its own files — replace the link with a copy, "
                                "or start again with another --out")
        return self

    # -- the spec, written once ----------------------------------------------------------
    def exists(self) -> bool:
        """True once a run was created here (its spec.json exists)."""
        return (self.path / self.SPEC).exists()

    def create(self, spec: dict) -> None:
        """Make the folder and write spec.json; refuse a folder that already holds a run.
        Call it while holding the directory (``owned``): check and write are then one step."""
        if self.exists():
            raise ConfigError(f"{self.path} already holds a run; use --resume {self.path} or another --out")
        leftovers = [name for name in ("history", "checkpoints", self.DATA, self.RESULTS, self.SESSIONS)
                     if (self.path / name).exists()]
        if leftovers:                # an earlier run's files without its spec: never reuse them
            raise ConfigError(f"{self.path} holds files of an earlier run ({', '.join(leftovers)}) but no "
                              f"spec.json; delete them or choose another --out")
        self.path.mkdir(parents=True, exist_ok=True)
        write_json(self.path / self.SPEC, spec)

    def spec(self) -> dict:
        """spec.json: {"spec": the experiment, "versions": {...}, "dataset", "quick", ...}."""
        if not self.exists():                   # before the walk: a folder that is no run is not searched
            raise ConfigError(f"{self.path}: no spec.json here: not a run directory, or its spec.json "
                              f"was deleted (then nothing in it can be resumed or reused)")
        self.check_links()
        meta = self.checked(self.SPEC, {"spec": dict, "versions": dict},
                            "restore it, or start again with another --out",
                            optional={"dataset": (dict, type(None)), "quick": bool, "overrides": list})
        missing = [k for k in ("nablab", "numpy", "python", "machine") if k not in meta["versions"]]
        if missing:
            raise DataError(f"{self.path / self.SPEC}: versions lacks {missing}; restore it, or start "
                            f"again with another --out")
        return meta

    def checked(self, name: str, fields: dict, advice: str, optional: dict | None = None) -> dict:
        """The JSON object in ``name``, which must hold each of ``fields`` (and may hold each of
        ``optional``) with its type; else a DataError naming the file, the field and ``advice``."""
        obj, path = read_json(self.path / name), self.path / name
        if not isinstance(obj, dict):
            raise DataError(f"{path}: expected a JSON object; got {type(obj).__name__}; {advice}")
        wanted = {**fields, **{k: t for k, t in (optional or {}).items() if k in obj}}
        for field, types in wanted.items():
            if not isinstance(obj.get(field), types):
                raise DataError(f"{path}: {field} must be {_names(types)} (it is missing or of "
                                f"another type); {advice}")
        return obj

    # -- results -------------------------------------------------------------------------
    def has_results(self) -> bool:
        return (self.path / self.RESULTS).exists()

    def results(self) -> dict:
        return self.checked(self.RESULTS, {"experiment": str, "kind": str, "title": str},
                            f"delete it and run `nablab run --resume {self.path}` to rebuild it")

    def typed_results(self) -> Results:
        """results.json as typed records (nablab.results), every field checked: what the report reads."""
        try:
            return parse(self.results(), str(self.results_file))
        except DataError as e:
            raise DataError(f"{e}; delete it and run `nablab run --resume {self.path}` to rebuild it") from None

    def check_results(self, results: dict) -> None:
        """``results`` checked against the kind's record (a wrong type is a DataError here)."""
        parse(results, f"the results of {self.path}")

    def write_results(self, results: dict) -> Path:
        """results.json, after checking it against the kind's record (a wrong type fails here)."""
        self.check_results(results)
        return write_json(self.path / self.RESULTS, results)

    # -- sessions: how long each run or resume took --------------------------------------
    def sessions(self) -> list[dict]:
        """[{"started", "seconds", "ended"}, ...]; a damaged file is a DataError."""
        path = self.path / self.SESSIONS
        entries = read_json(path) if path.exists() else []
        if not (isinstance(entries, list) and all(isinstance(e, dict) and isinstance(
                e.get("seconds"), (int, float)) for e in entries)):
            raise DataError(f"{path}: not a list of sessions with their seconds; delete it (it only "
                            f"records how long each session took)")
        return entries

    def add_session(self, seconds: float, ended: str) -> None:
        """A session's record, with the digest of the spec its tasks ran (check_spec_unchanged)."""
        entry = {"started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() - seconds)),
                 "seconds": round(seconds, 2), "ended": ended, "spec_sha256": self.spec_digest()}
        write_json(self.path / self.SESSIONS, [*self.sessions(), entry])

    def spec_digest(self) -> str:
        """SHA-256 of spec.json's experiment (canonical JSON): what the tasks ran."""
        return hashlib.sha256(json.dumps(self.spec()["spec"], sort_keys=True).encode()).hexdigest()

    def check_spec_unchanged(self) -> "RunDir":
        """spec.json is the spec its sessions ran: one edited by hand after tasks finished would have
        them read (and reported) as made by settings they were not — a ConfigError."""
        ran = [s["spec_sha256"] for s in self.sessions() if isinstance(s.get("spec_sha256"), str)]
        if ran and ran[-1] != self.spec_digest():
            raise ConfigError(f"{self.path / self.SPEC} was changed after its tasks ran (its experiment no "
                              "longer matches the one recorded in sessions.json); restore it, or start again "
                              "with another --out")
        return self

    def wall_time(self) -> float:
        """Seconds spent by every session that worked on this run."""
        return sum(s["seconds"] for s in self.sessions())

    # -- per-task files ------------------------------------------------------------------
    def history_file(self, key: str, seed: int) -> Path:
        """Where the History of (variant ``key``, ``seed``) lives (.json; a .csv beside it)."""
        return self.path / "history" / folder_name(key) / f"seed{seed}.json"

    def history(self, key: str, seed: int = 0) -> dict:
        return read_json(self.history_file(key, seed))

    def histories(self, key: str) -> list[dict]:
        """Every seed's history of one variant, in seed order."""
        files = (self.path / "history" / folder_name(key)).glob("seed*.json")
        return [read_json(p) for p in sorted(files, key=lambda p: int(p.stem[4:]))]

    def checkpoint_dir(self, key: str, seed: int) -> Path:
        return self.path / "checkpoints" / folder_name(key) / f"seed{seed}"

    def failure_file(self, key: str, seed: int) -> Path:
        """Why task (``key``, ``seed``) failed in its last session: the traceback's text."""
        return self.path / "failures" / folder_name(key) / f"seed{seed}.txt"

    def record_failure(self, key: str, seed: int, text: str) -> Path:
        atomic_write(path := self.failure_file(key, seed), lambda f: f.write(text.encode("utf-8")))
        return path

    def failures(self) -> list[Path]:
        """The failure files of tasks that failed in their last session."""
        return sorted(self.failures_dir.glob("*/seed*.txt"))

    def clear_failure(self, key: str, seed: int) -> None:
        """A task that has now ended without an error keeps no failure from before."""
        self.failure_file(key, seed).unlink(missing_ok=True)

    @property
    def study_file(self) -> Path:
        """A sweep's Optuna study, when it is kept in the run directory (SQLite)."""
        return self.path / "study.db"

    def has_data(self) -> bool:
        return (self.path / self.DATA).exists()

    def data(self) -> dict:
        return read_json(self.path / self.DATA)

    def write_data(self, data: dict) -> Path:
        return write_json(self.path / self.DATA, data)

    # -- figures and summary ---------------------------------------------------------------
    @property
    def figures_dir(self) -> Path:
        """<run>/figures, or the folder given to drawing_into (the figures redrawn elsewhere)."""
        return self._figures_dir or self.path / "figures"

    def drawing_into(self, folder: str | Path) -> RunDir:
        """This run, with its figures written to (and read from) ``folder`` instead: the report
        redraws a run's figures in its own language without touching the run."""
        return RunDir(self.path, folder)

    def drawing_under(self, folder: str | Path) -> RunDir:
        """This run drawing into ``folder/<run's folder name>/figures`` (the report's drawn/<lang>/)."""
        return self.drawing_into(Path(folder) / self.path.name / "figures")

    @property
    def spec_file(self) -> Path:
        return self.path / self.SPEC

    @property
    def results_file(self) -> Path:
        return self.path / self.RESULTS

    @property
    def failures_dir(self) -> Path:
        return self.path / "failures"

    def figure(self, name: str) -> Path:
        """The PNG of figure ``name``."""
        return self.figures_dir / f"{name}.png"

    def figures(self) -> list[Path]:
        return sorted(self.figures_dir.glob("*.png"))

    @property
    def summary_file(self) -> Path:
        return self.path / self.SUMMARY


def _names(types) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join({"dict": "a JSON object", "list": "a list", "str": "text", "bool": "true or false",
                        "NoneType": "null"}.get(t.__name__, t.__name__) for t in types)


def find_runs(paths) -> dict[str, RunDir]:
    """{experiment name: RunDir} of the finished runs in ``paths`` (run directories or folders
    of them); with several runs of one experiment, the newest wins."""
    found: dict[str, RunDir] = {}
    for p in map(Path, paths):
        if not p.is_dir():
            raise ConfigError(f"--reuse {p}: not a folder")
        candidates = [p] if RunDir(p).has_results() else sorted(x for x in p.iterdir() if x.is_dir())
        finished = [run.check_links() for run in map(RunDir, candidates) if run.has_results()]
        if not finished:
            raise ConfigError(f"--reuse {p}: holds no finished run (a run directory with results.json)")
        for run in finished:
            name = run.spec()["spec"].get("name")          # what ran, as spec.json says
            if name not in found or run.path.stat().st_mtime > found[name].path.stat().st_mtime:
                found[name] = run
    return found
