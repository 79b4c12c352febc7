"""The error tree: every message says where (file:line), what went wrong and how to fix it."""

from __future__ import annotations


class GlossatorError(Exception):
    """Base class of every error glossator raises on purpose.

    ``str(error)`` is one line: ``FILE:LINE: what (fix: how)``, ready for a CLI to print.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint
        super().__init__(self.__str__())

    @property
    def where(self) -> str:
        """``file:line``, ``file`` or an empty string."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        return self.describe()

    def describe(self, level: str | None = None) -> str:
        """One line: ``where: [level: ]message (hint)``."""
        text = f"{level}: {self.message}" if level else self.message
        if self.where:
            text = f"{self.where}: {text}"
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split())


class GlossaryError(GlossatorError):
    """A glossary file cannot be read or does not describe a valid glossary."""


class InputError(GlossatorError):
    """A document to annotate cannot be read (missing, a directory, binary, mis-encoded)."""


class CacheError(GlossatorError):
    """A cache file (``--cache-dir``) turned out to be damaged while it was being used.

    The file has been removed, so the next run rebuilds it.
    """


class UsageError(GlossatorError):
    """An option or argument is not valid (unknown format, incompatible options)."""


class GlossatorWarning(UserWarning):
    """A problem worth telling the user about that does not stop the work."""


def os_reason(exc: OSError) -> str:
    """Why ``exc`` kept a file from being read, written or made, as the one-line errors
    say it: ``permission denied``, else the system's words in lower case."""
    import errno

    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    return (exc.strerror or "system error").lower()
