"""The package's layout: only `scheduler.model` talks to the solvers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scheduler"
SOLVERS = ("ortools", "highspy")


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
    return names


OUTSIDE_MODEL = sorted(
    path.relative_to(PACKAGE)
    for path in PACKAGE.rglob("*.py")
    if path.relative_to(PACKAGE).parts[0] != "model"
)


@pytest.mark.parametrize("relative", OUTSIDE_MODEL, ids=str)
def test_only_the_model_imports_a_solver(relative: Path) -> None:
    """No module outside scheduler/model imports OR-Tools or HiGHS, even inside a function."""
    solvers = {
        name for name in imported_modules(PACKAGE / relative) if name.split(".")[0] in SOLVERS
    }
    assert not solvers, f"scheduler/{relative} imports {sorted(solvers)}"


def test_the_layout_check_sees_a_solver_import(tmp_path: Path) -> None:
    """The check finds an OR-Tools import inside a function, and a plain one too."""
    source = tmp_path / "sneaky.py"
    source.write_text("import math\n\ndef f():\n    from ortools.sat.python import cp_model\n")
    assert "ortools.sat.python" in imported_modules(source)
    source.write_text("import highspy\n")
    assert imported_modules(source) == {"highspy"}
    assert len(OUTSIDE_MODEL) > 20
