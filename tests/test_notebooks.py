"""The example notebooks in notebooks/: they run top to bottom and are kept without outputs.

Each notebook ends with a cell of assertions that prints ``notebook NN ok: ...``; a failing
assertion, like any error, fails the test. The kernel is this interpreter (the venv's python),
registered in a temporary folder, so a fresh clone needs no installed kernelspec.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import install
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = ("01_weekly_roster.ipynb", "02_what_if.ipynb", "03_calls_to_roster.ipynb")
KERNEL = "scheduler-notebook-tests"
CELL_TIMEOUT = 300
"""Seconds one cell may run; the solves in the notebooks take 10 s or less each."""


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """Kernelspecs holding one kernel that runs this interpreter and imports this checkout."""
    prefix = tmp_path_factory.mktemp("jupyter")
    # The checkout's code wins over any installed copy of the package.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    install(kernel_name=KERNEL, prefix=str(prefix), env={"PYTHONPATH": path})
    return KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stdout"
    )


def test_notebooks_present() -> None:
    """The three example notebooks are in notebooks/."""
    assert [p.name for p in NOTEBOOKS] == list(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, kernel_specs: KernelSpecManager) -> None:
    """The notebook runs without error from notebooks/ and its final checks pass."""
    notebook = nbformat.read(path, as_version=4)
    data_before = _snapshot(ROOT / "data")
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    started = time.perf_counter()
    try:
        client.execute()
    finally:
        # nbclient leaves a kernel it did not start running.
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
    seconds = time.perf_counter() - started
    print(f"{path.name}: {seconds:.1f} s")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    assert f"notebook {path.name[:2]} ok" in _stdout(code[-1])
    assert _snapshot(ROOT / "data") == data_before, "the notebook wrote into data/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_stripped(path: Path) -> None:
    """The notebook is committed without outputs, execution counts or execution timings."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        number
        for number, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        and (cell.outputs or cell.execution_count is not None or "execution" in cell.metadata)
    ]
    assert dirty == [], f"{path.name}: cells {dirty} keep outputs; clear them before committing"
