"""``glossator serve``: glossator as an HTTP service, for sites that are not Python.

An ASGI application on Starlette, served by uvicorn (the optional extra
``glossator[serve]``): API v1 (``POST /v1/annotate``, the glossaries and their entries,
an OpenAPI document), ``/healthz``, ``/metrics`` and a playground at ``/``. See
docs/serve.md. Nothing here is imported by the other commands: Starlette and uvicorn are
loaded only when the service starts (:func:`glossator.serve.server.run_server`).
"""

from __future__ import annotations

from .config import DEFAULT_NAME, GlossarySpec, ServeConfig, read_config

__all__ = ["DEFAULT_NAME", "GlossarySpec", "ServeConfig", "read_config"]
