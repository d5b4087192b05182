"""The course's lessons as notebooks (notebooks/*.ipynb): stored without outputs, each executed top to
bottom in a real Jupyter kernel in quick mode (its last cell asserts the result a learner would check),
and a real Jupyter server lists them. Processes are bounded by timeouts and stopped by their handles."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NAMES) >= 4, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_carry_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: cell {i} has outputs"
    assert nb.cells[1].cell_type == "code" and "find_spec(\"nablab\")" in nb.cells[1].source   # Colab cell
    assert "parameters" in nb.cells[2].metadata.get("tags", []), f"{name}: cell 2 is not the parameters cell"
    assert nb.cells[-1].cell_type == "code" and "assert" in nb.cells[-1].source, f"{name}: no final check"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_in_a_kernel_in_quick_mode(name, monkeypatch):
    monkeypatch.setenv("NABLAB_NOTEBOOK_QUICK", "1")
    for blas in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(blas, "1")        # the kernel with two BLAS threads ran 2_4's MNIST cell 50× slower
    monkeypatch.delenv("MPLBACKEND", raising=False)       # the kernel's inline backend draws the figures
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()                             # a failing cell raises CellExecutionError
    draws = any("plt." in c.source for c in nb.cells if c.cell_type == "code")
    assert not draws or any(o.get("output_type") == "display_data" for c in nb.cells if c.cell_type == "code"
               for o in c.outputs), f"{name}: no figure was drawn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_jupyter_server_lists_the_notebooks(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = open(tmp_path / "server.log", "wb")      # a file, not a pipe: the server never blocks on it
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={NOTEBOOKS}", *(["--allow-root"] if os.geteuid() == 0 else [])], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        listing, deadline = None, time.monotonic() + 60
        while listing is None and time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents",
                                                 headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    listing = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "the server did not answer within 60 s"
        names = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
        assert names == NAMES
        with pytest.raises(urllib.error.HTTPError, match="403"):     # the token is required
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()
    assert server.returncode is not None


LESSONS = ["1_3_online_sgd", "2_1_two_layer_net", "2_2_2_vanishing_gradient", "2_3_batch_normalization",
           "2_4_optimizers", "2_5_overfitting", "2_6_simple_convnet", "2_7_double_convnet", "2_8_deep_convnet",
           "4_im2col"]


@pytest.mark.parametrize("stem", LESSONS)
def test_a_lesson_shows_the_courses_code_as_nablab_checks_it(stem):
    """The course's shape: the course's own definitions (cells tagged "course", word for word the
    definitions nl.check's catalogue is built on), checked by nl.check, and a 試してみよう cell where
    a changed line is caught and named."""
    import ast
    from nablab.checker import catalogue
    source = catalogue.course_source()
    spans, lines = catalogue.spans(source), source.splitlines()
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    course = [c for c in nb.cells if "course" in c.metadata.get("tags", [])]
    assert course, f"{stem}: no cell tagged 'course'"
    for cell in course:
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                shown = "\n".join(cell.source.splitlines()[node.lineno - 1:node.end_lineno])
                first, last = spans[node.name]
                assert shown == "\n".join(lines[first - 1:last]), f"{stem}: {node.name} differs from nablab.checker.course"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any("nl.check(" in s and "assert report.passed" in s for s in code), f"{stem}: no nl.check of the course code"
    assert any(s.startswith("# 試してみよう") and "report.mistakes() ==" in s for s in code), stem


def test_every_notebook_has_its_own_try_it():
    tries = {}
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        tries[name] = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## 試してみよう")]
        assert tries[name], f"{name}: no 試してみよう"
    texts = [t for ts in tries.values() for t in ts]
    assert len(texts) == len(set(texts)), "two notebooks share a 試してみよう"
