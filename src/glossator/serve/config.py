"""What ``glossator serve`` is told: its glossaries (flags or a TOML file) and its limits.

A :class:`ServeConfig` is plain data, turned into JSON and back (:meth:`ServeConfig.to_json`)
so that uvicorn's worker processes, started afresh, get the same settings as the parent.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import UsageError, os_reason

__all__ = ["DEFAULT_NAME", "GlossarySpec", "ServeConfig", "check_name", "read_config"]

#: The name of the glossary given by ``-g`` (or the bundled one), and the API's default.
DEFAULT_NAME = "default"

#: What a glossary's name may be made of: it is a segment of the API's URLs.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class GlossarySpec:
    """One named glossary: its files, merged in order (a form two files define
    differently has both senses)."""

    name: str
    files: tuple[str, ...]
    format: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class ServeConfig:
    """The settings of the service (the options of ``glossator serve``)."""

    glossaries: tuple[GlossarySpec, ...]
    host: str = "127.0.0.1"
    port: int = 8765
    cache_dir: str | None = None
    token: str | None = field(default=None, repr=False)
    cors_origins: tuple[str, ...] = ()
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 30.0
    max_concurrency: int = 8
    workers: int = 1
    log_format: str = "text"
    reload_interval: float = 2.0
    strict: bool = False
    quiet: bool = False
    #: The folder where the workers' metrics meet (set by the parent for ``workers > 1``).
    metrics_dir: str | None = None

    def check(self) -> None:
        """Raise a :class:`~glossator.errors.UsageError` for a setting out of range."""
        if not self.glossaries:
            raise UsageError("no glossary to serve")
        if not 0 <= self.port <= 65535:
            raise UsageError("--port must be between 0 and 65535")
        for name, value in (("--max-bytes", self.max_bytes), ("--timeout", self.timeout),
                            ("--max-concurrency", self.max_concurrency),
                            ("--workers", self.workers),
                            ("--reload-interval", self.reload_interval)):
            if value <= 0:
                raise UsageError(f"{name} must be more than 0")
        if self.log_format not in ("text", "json"):
            raise UsageError("--log-format is text or json")
        if self.token is not None and not self.token.strip():
            raise UsageError("--token must not be empty")

    def to_json(self) -> str:
        """The settings as JSON (for worker processes: :meth:`from_json`)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        """The settings :meth:`to_json` wrote."""
        data = json.loads(text)
        data["glossaries"] = tuple(GlossarySpec(g["name"], tuple(g["files"]), g["format"],
                                                g["encoding"]) for g in data["glossaries"])
        data["cors_origins"] = tuple(data["cors_origins"])
        return cls(**data)


def check_name(name: str, where: str) -> str:
    """``name`` if it can name a glossary in a URL, else a usage error."""
    if not _NAME.fullmatch(name):
        raise UsageError(f"{where}: glossary name '{name}' is not usable in a URL",
                         hint="use letters, digits, '-', '_' and '.'")
    return name


def read_config(path: str) -> tuple[GlossarySpec, ...]:
    """The glossaries of a TOML configuration file::

        [glossaries.default]
        files = ["ess.yaml", "local.csv"]
        [glossaries.sigles]
        files = ["sigles.csv"]
        format = "csv"          # optional, as --glossary-format
        encoding = "cp1252"     # optional, as --glossary-encoding

    Relative paths are relative to the file's folder.
    """
    try:
        tomllib = import_module("tomllib")
    except ImportError:  # Python 3.10
        tomllib = import_module("tomli")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("no such file: the configuration given to --config", file=str(path),
                         hint="check its name") from None
    except IsADirectoryError:
        raise UsageError("is a folder, not the configuration file given to --config",
                         file=str(path), hint="name a TOML file with [glossaries.NAME] "
                         "tables") from None
    except OSError as exc:
        raise UsageError("the configuration given to --config cannot be read: "
                         f"{os_reason(exc)}",
                         file=str(path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path}: not a valid TOML file: {exc}") from None
    tables = data.get("glossaries")
    if not isinstance(tables, dict) or not tables:
        raise UsageError(f"{path}: no [glossaries.NAME] table",
                         hint='add [glossaries.default] with files = ["glossary.yaml"]')
    base = Path(path).parent
    return tuple(_spec(name, table, base, path) for name, table in tables.items())


def _spec(name: str, table: Any, base: Path, path: str) -> GlossarySpec:
    """One ``[glossaries.NAME]`` table, checked."""
    check_name(name, path)
    if not isinstance(table, dict):
        raise UsageError(f"{path}: glossaries.{name} must be a table")
    unknown = sorted(set(table) - {"files", "format", "encoding"})
    if unknown:
        raise UsageError(f"{path}: glossaries.{name}: unknown key '{unknown[0]}'",
                         hint="the keys are files, format and encoding")
    files = table.get("files")
    if (not isinstance(files, list) or not files
            or not all(isinstance(f, str) and f for f in files)):
        raise UsageError(f"{path}: glossaries.{name}.files must be a list of file names")
    for key in ("format", "encoding"):
        if key in table and not isinstance(table[key], str):
            raise UsageError(f"{path}: glossaries.{name}.{key} must be a string")
    return GlossarySpec(name, tuple(str(base / f) for f in files), table.get("format"),
                        table.get("encoding"))
