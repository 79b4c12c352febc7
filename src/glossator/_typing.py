"""What the modules on ``glossator annotate``'s path take from :mod:`typing` at run time,
without importing it (about 0.2× a bare ``python -c pass``, and its ``NamedTuple`` compiles
each field's annotation).

Type checkers see :mod:`typing`'s own names. At run time:

- :func:`overload` returns the function (the implementation that follows replaces it);
- :class:`NamedTuple` makes a :func:`collections.namedtuple` of the class's annotated
  fields, in order, with their defaults, docstring and methods (class syntax only);
- :class:`Protocol` is a plain base class (glossator's protocols are not checked with
  ``isinstance``).
"""

from __future__ import annotations

__all__ = ["NamedTuple", "Protocol", "overload"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple, Protocol, overload
else:
    from collections import namedtuple

    def overload(func):
        """Run time: the function itself."""
        return func

    class Protocol:
        """Run time: a plain base class."""

        __slots__ = ()

    class _NamedTupleMeta(type):
        def __new__(cls, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(cls, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            defaults = [namespace[f] for f in fields if f in namespace]
            made = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            for key, value in namespace.items():
                if key not in fields and key not in ("__module__", "__qualname__"):
                    setattr(made, key, value)
            made.__qualname__ = namespace.get("__qualname__", name)
            return made

    class NamedTuple(metaclass=_NamedTupleMeta):
        """Run time: ``class X(NamedTuple)`` makes a :func:`collections.namedtuple`."""
