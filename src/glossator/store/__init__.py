"""The only code that knows ``--cache-dir``: loaded glossaries and compiled matchers
kept on disk, and the column file format they are kept in."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:  # the built-in SHA-256: hashlib would load OpenSSL first (3 ms at start-up)
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - another Python (3.12 names it _sha2)
        from hashlib import sha256

__all__ = ["sha256"]
