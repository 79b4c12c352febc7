"""glossator's compiled modules, each loaded the same way: it is optional (the Python code
it speeds up gives the same results), ``GLOSSATOR_PURE_PYTHON=1`` turns it off, and a
module built from other sources than these (its ``ABI`` is not the one they expect) is
not used, with a warning that says to reinstall."""

from __future__ import annotations

import os
from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["load_native"]


def load_native(name: str, abi: int, what: str) -> Any:
    """The compiled module ``name`` (``glossator.matching._scan``…), or ``None``: turned
    off, not built, or built with another interface version than ``abi`` (then warned
    about, naming ``what`` it is: "C scanner")."""
    if os.environ.get("GLOSSATOR_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        module = import_module(name)
    except ImportError:
        return None
    if getattr(module, "ABI", None) != abi:
        import warnings

        warnings.warn(f"glossator's {what} was built from other sources and is not used; "
                      "reinstall glossator to rebuild it", RuntimeWarning, stacklevel=3)
        return None
    return module
