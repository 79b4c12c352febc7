"""Regular expressions compiled when first used, not when their module is imported.

Compiling a pattern over Unicode classes takes about 0.2 ms; the modules on
``glossator annotate``'s path hold twenty that a small file never uses. A module writes

    _WORD_RE = lazy_pattern(globals(), "_WORD_RE", r"[^\\W\\d_]+")

and uses ``_WORD_RE`` as the compiled pattern it was: its first use compiles it and puts
the compiled pattern in the module's place of the stand-in, so every use after that is
the pattern's own (no cost per call). Code that imported the name elsewhere keeps the
stand-in, which still works.
"""

from __future__ import annotations

import re

from ._typing import overload

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["lazy_pattern"]


class _LazyPattern:
    """Stands for ``re.compile(pattern, flags)`` until first used."""

    __slots__ = ("_args", "_name", "_namespace")

    def __init__(self, namespace: dict[str, Any], name: str, args: tuple[Any, int]) -> None:
        self._namespace = namespace
        self._name = name
        self._args = args

    def __getattr__(self, attribute: str) -> Any:
        compiled = re.compile(*self._args)
        if self._namespace.get(self._name) is self:
            self._namespace[self._name] = compiled
        return getattr(compiled, attribute)

    def __repr__(self) -> str:
        return f"lazy_pattern({self._args[0]!r}, {self._args[1]!r})"


@overload
def lazy_pattern(namespace: dict[str, Any], name: str, pattern: str,
                 flags: int = 0) -> re.Pattern[str]: ...


@overload
def lazy_pattern(namespace: dict[str, Any], name: str, pattern: bytes,
                 flags: int = 0) -> re.Pattern[bytes]: ...


def lazy_pattern(namespace: dict[str, Any], name: str, pattern: str | bytes,
                 flags: int = 0) -> re.Pattern[str] | re.Pattern[bytes]:
    """A stand-in for ``re.compile(pattern, flags)``, bound to ``namespace[name]`` (the
    calling module's ``globals()``), which it replaces with the compiled pattern when
    first used."""
    return _LazyPattern(namespace, name, (pattern, flags))  # type: ignore[return-value]
