"""The only code that knows ``--cache-dir``: loaded glossaries and compiled matchers
kept on disk, and the column file format they are kept in."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = ["sha256"]

#: From this many bytes, OpenSSL's SHA-256 (about 4 times faster) is worth loading it.
LARGE = 256 * 1024


def sha256(data: bytes = b"", *, more: int = 0) -> _Hash:
    """A SHA-256 hash of ``data`` (``more``: how many bytes will be added to it): the
    built-in one for small inputs, as a small run's cache keys, since :mod:`hashlib`
    loads OpenSSL first (3 ms); hashlib's for large ones (a large glossary's file). The
    digests are the same."""
    if len(data) + more < LARGE:
        try:
            from _sha256 import sha256 as builtin  # type: ignore[import-not-found]
        except ImportError:  # pragma: no cover - another Python (3.12 names it _sha2)
            pass
        else:
            return builtin(data)  # type: ignore[no-any-return]
    from hashlib import sha256 as openssl

    return openssl(data)
