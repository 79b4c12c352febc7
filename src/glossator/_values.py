"""Plain value classes that behave as dataclasses, without importing :mod:`dataclasses`.

Importing :mod:`dataclasses` costs about as much as starting Python (it imports
:mod:`inspect`, :mod:`ast`, :mod:`dis`…), and making each class costs more: too much for
``glossator annotate`` on a small file. The classes on that path derive from
:class:`Value` (immutable, with ``__slots__``) or :class:`Record` (mutable) instead, and
write their ``__init__`` by hand; the fields are that ``__init__``'s parameters, in order.
They keep what their dataclass versions had:

- ``==`` and ``hash()`` on the fields, less those in ``_not_compared``; ``repr()`` of the
  fields, less those in ``_not_shown``; ``__match_args__``;
- a :class:`Value` refuses assignment and deletion
  (:class:`dataclasses.FrozenInstanceError`), and pickles as its fields;
- :func:`dataclasses.replace`, :func:`~dataclasses.fields`, :func:`~dataclasses.asdict`
  and dataclass subclasses work: ``__dataclass_fields__`` and ``__dataclass_params__``
  are made the first time they are read, importing :mod:`dataclasses` only then.
  ``_factories`` names the fields whose default is made by a function (``dict``).
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from dataclasses import Field
    from typing import Any, ClassVar, NoReturn

__all__ = ["Record", "Value"]


def _init_fields(cls: type) -> tuple[str, ...]:
    """The parameters of ``cls.__init__`` after ``self``, in order."""
    code = getattr(cls.__init__, "__code__", None)  # type: ignore[misc]
    if code is None:  # object's own
        return ()
    names: tuple[str, ...] = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
    return names


def _key_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function of an instance: the tuple of its ``names``' values."""
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


class _DataclassView:
    """``__dataclass_fields__`` or ``__dataclass_params__`` of a class, those of a twin
    dataclass made the first time one is read (and then kept on the class)."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __get__(self, obj: object, owner: type) -> Any:
        twin = vars(owner).get("_dataclass_twin")  # its own: not a base class's
        if twin is None:
            twin = _twin(owner)
            type.__setattr__(owner, "_dataclass_twin", twin)
        return getattr(twin, self.what)


def _twin(owner: type) -> type:
    """A dataclass with the fields of ``owner`` (its ``__init__``'s parameters)."""
    import dataclasses

    defaults = getattr(owner.__init__, "__defaults__", None) or ()  # type: ignore[misc]
    types = getattr(owner.__init__, "__annotations__", {})  # type: ignore[misc]
    names = _init_fields(owner)
    factories = getattr(owner, "_factories", {})
    not_compared = getattr(owner, "_not_compared", ())
    not_shown = getattr(owner, "_not_shown", ())
    specs: list[tuple[str, Any, Any]] = []
    for i, name in enumerate(names):
        k = i - (len(names) - len(defaults))
        if name in factories:
            default: Any = dataclasses.field(default_factory=factories[name])
        elif k >= 0:
            default = dataclasses.field(default=defaults[k])
        else:
            default = dataclasses.field()
        default.compare = name not in not_compared
        default.repr = name not in not_shown
        specs.append((name, types.get(name, "object"), default))
    return dataclasses.make_dataclass(owner.__name__, specs,
                                      frozen=getattr(owner, "_frozen", False))


class Record:
    """A mutable value: ``==`` and ``repr()`` on its fields, unhashable (as a dataclass)."""

    _not_compared: ClassVar[tuple[str, ...]] = ()
    _not_shown: ClassVar[tuple[str, ...]] = ()
    _factories: ClassVar[dict[str, Callable[[], Any]]] = {}
    _frozen: ClassVar[bool] = False
    _fields: ClassVar[tuple[str, ...]] = ()
    _shown: ClassVar[tuple[str, ...]] = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()
    __slots__ = ()
    if TYPE_CHECKING:
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
        __dataclass_params__: ClassVar[Any]

        @staticmethod
        def _key(obj: Any) -> tuple[Any, ...]: ...
    else:
        __dataclass_fields__ = _DataclassView("__dataclass_fields__")
        __dataclass_params__ = _DataclassView("__dataclass_params__")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" not in vars(cls):  # a subclass that adds nothing (or a dataclass's)
            return
        cls._fields = _init_fields(cls)
        type.__setattr__(cls, "__match_args__", cls._fields)
        cls._shown = tuple(n for n in cls._fields if n not in cls._not_shown)
        cls._key = staticmethod(  # type: ignore[method-assign,assignment]
            _key_of(tuple(n for n in cls._fields if n not in cls._not_compared)))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key(self) == self._key(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"


class Value(Record):
    """An immutable value with ``__slots__``: hashable, assignments refused, pickled as
    its fields."""

    _frozen = True
    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._key(self))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Value], tuple[Any, ...]]:
        return self.__class__, tuple(getattr(self, name) for name in self._fields)
