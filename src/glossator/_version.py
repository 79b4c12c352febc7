"""The version of glossator, in one place (read by the package, the CLI and the caches)."""

__version__ = "0.1.0"
