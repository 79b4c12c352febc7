"""Start the service: load and compile the glossaries, then hand the application to
uvicorn, in this process or in ``workers`` processes.

The glossaries are loaded here first, whatever the number of workers, so that a glossary
that does not load stops the command with its one-line error before anything listens.
uvicorn starts its workers afresh (it spawns them); they find the compiled glossaries in
the cache directory this process just filled and map them, so they share their pages
rather than compile again. Without ``--cache-dir``, several workers get a temporary one,
removed when the service stops. Several workers also get a fresh temporary folder where
their metrics meet (:mod:`glossator.serve.metrics`), removed likewise.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace

from .config import ServeConfig
from .glossaries import Glossaries
from .logs import setup_logging

__all__ = ["run_server"]


def run_server(config: ServeConfig, warn: Callable[[str], None]) -> None:
    """Serve ``config`` until interrupted (``warn`` prints the glossaries' warnings)."""
    config.check()
    setup_logging(config.log_format)
    temporary = []
    if config.workers > 1:
        # the workers' metrics meet here, fresh at each start (see metrics.py)
        temporary.append(tempfile.mkdtemp(prefix="glossator-metrics-"))
        config = replace(config, metrics_dir=temporary[-1])
        if config.cache_dir is None:
            temporary.append(tempfile.mkdtemp(prefix="glossator-serve-"))
            config = replace(config, cache_dir=temporary[-1])
    try:
        glossaries = Glossaries(config.glossaries, cache_dir=config.cache_dir,
                                strict=config.strict, warn=warn)
        glossaries.load_all()
        _check_address(config.host, config.port)
        _run_uvicorn(config, glossaries)
    finally:
        for folder in temporary:
            shutil.rmtree(folder, ignore_errors=True)


def _check_address(host: str, port: int) -> None:
    """A :class:`~glossator.errors.GlossatorError` in one line if ``host:port`` cannot be
    listened on as uvicorn will (a port another program holds, a host that is not an
    address of this machine), rather than uvicorn's log of its start and stop."""
    import socket

    from ..errors import GlossatorError

    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (as uvicorn)
            sock.bind((host, port))
    except socket.gaierror as exc:
        raise GlossatorError(f"cannot listen on {where}: unknown host ({exc.strerror})",
                             hint="give an address of this machine, such as --host "
                                  "127.0.0.1") from None
    except OSError as exc:
        import errno

        hint = {errno.EADDRINUSE: "choose another --port, or stop the program that holds it",
                errno.EADDRNOTAVAIL: "give an address of this machine, such as --host "
                                     "127.0.0.1",
                errno.EACCES: "a port under 1024 needs privileges: choose another --port",
                }.get(exc.errno or 0)
        raise GlossatorError(f"cannot listen on {where}: {exc.strerror or exc}",
                             hint=hint) from None


def _run_uvicorn(config: ServeConfig, glossaries: Glossaries) -> None:
    """uvicorn, with glossator's log (no access log of its own: :class:`Front` writes
    one line per request)."""
    import uvicorn

    from .app import CONFIG_VARIABLE, create_app

    common = dict(host=config.host, port=config.port, access_log=False, log_config=None,
                  server_header=False, timeout_graceful_shutdown=5,
                  limit_concurrency=max(64, config.max_concurrency * 8))
    if config.workers == 1:
        uvicorn.run(create_app(config, glossaries), **common)  # type: ignore[arg-type]
        return
    os.environ[CONFIG_VARIABLE] = replace(config, quiet=True).to_json()
    uvicorn.run("glossator.serve.app:app_from_environment", factory=True,
                workers=config.workers, **common)  # type: ignore[arg-type]
