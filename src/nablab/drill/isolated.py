"""A learner's file runs in a child process, never in nablab's own: with a time limit, a memory
limit (the address space) and a cap on what it prints. An infinite loop, a 50 GB allocation, a
flood of prints or ``sys.exit()`` ends that one grading with a message in the learner's language.

The child grades the file (drill.grade.grade_source) and writes its verdict to a JSON file that
only this process reads; whatever the learner's code prints goes to a capped file beside it.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

SECONDS = 20                  # wall-clock limit of one grading
MEMORY_MB = 2048              # address space of the child (numpy and nablab need about 1 GB of it)
OUTPUT_MB = 1                 # what the learner's code may print

CHILD = """
import json, sys
from nablab.drill.grade import grade_source
source = open(sys.argv[1], encoding="utf-8").read()
try:
    passed, lines = grade_source(source, sys.argv[2])
except MemoryError:
    passed, lines = False, ["MEMORY"]
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump({"passed": passed, "lines": lines}, f)
"""

MESSAGES = {
    "ja": {"time": "{file}: {seconds} 秒以内に終わりませんでした（無限ループではありませんか）。検査を打ち切りました。",
           "memory": "{file}: メモリの上限 {mb} MB を超えて確保しようとしました（巨大な配列ではありませんか）。検査を打ち切りました。",
           "output": "{file}: 出力が多すぎます（print が {mb} MB を超えました）。検査を打ち切りました。",
           "exit": "{file}: 検査が終わる前にプロセスを終了させました（sys.exit や exit がありませんか）。",
           "crash": "{file}: 検査中にプロセスが異常終了しました（シグナル {signal}）。"},
    "en": {"time": "{file}: did not finish within {seconds} s (an infinite loop?); the check was stopped.",
           "memory": "{file}: tried to allocate beyond the {mb} MB memory limit (a huge array?); the check was stopped.",
           "output": "{file}: printed too much (over {mb} MB); the check was stopped.",
           "exit": "{file}: ended the process before the checks finished (sys.exit or exit?).",
           "crash": "{file}: the process died during the check (signal {signal})."},
}


def limits(memory_mb: int, output_mb: int, seconds: int):
    """What the child sets on itself before it runs anything (preexec_fn)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_mb << 20, output_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds + 5, seconds + 5))      # a backstop to the wall clock
    return apply


def grade_isolated(path: Path, *, lang: str = "ja", seconds: int = SECONDS, memory_mb: int = MEMORY_MB,
                   output_mb: int = OUTPUT_MB) -> tuple[bool, list[str]]:
    """(passed, lines to print) for the learner's file ``path``, graded in a child process."""
    say = MESSAGES.get(lang, MESSAGES["ja"])
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory(prefix="nablab-grade-") as tmp:
        verdict, printed = Path(tmp) / "verdict.json", Path(tmp) / "printed.txt"
        with open(printed, "wb") as out:
            child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(path), str(verdict)],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                     cwd=tmp, start_new_session=True,
                                     preexec_fn=limits(memory_mb, output_mb, seconds))
            try:
                code = child.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)           # the learner's own children too
                child.wait()
                return False, [say["time"].format(file=path, seconds=seconds)]
        if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ) or printed.stat().st_size >= output_mb << 20:
            return False, [say["output"].format(file=path, mb=output_mb)]
        if not verdict.exists():
            if code < 0:
                return False, [say["crash"].format(file=path, signal=-code)]
            tail = printed.read_text(encoding="utf-8", errors="replace")
            if "MemoryError" in tail:
                return False, [say["memory"].format(file=path, mb=memory_mb)]
            return False, [say["exit"].format(file=path)]
        result = json.loads(verdict.read_text(encoding="utf-8"))
    lines = [say["memory"].format(file=path, mb=memory_mb) if line == "MEMORY" or "MemoryError" in line
             else line for line in result["lines"]]
    return bool(result["passed"]), lines
