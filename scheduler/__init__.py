"""Weekly staff rosters for a front office with staggered breaks, solved with OR-Tools CP-SAT.

For notebooks: ``from scheduler import Scenario, solve, compare, sweep``. Only ``Scenario``
is imported with the package; the others load pandas, OR-Tools or Dask on first use, so
``import scheduler`` (and the command line) starts in milliseconds.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from scheduler.data import Scenario

if TYPE_CHECKING:
    from scheduler.batch import sweep
    from scheduler.export.kpis import compare

__version__ = "0.1.0"
__all__ = ["Scenario", "compare", "solve", "sweep"]

# ``solve`` is the module scheduler.solve, which is callable as its solve() function (a
# package attribute named like a submodule is replaced by the submodule once it is imported).
_LAZY = {
    "solve": ("scheduler.solve", None),
    "compare": ("scheduler.export.kpis", "compare"),
    "sweep": ("scheduler.batch", "sweep"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)
