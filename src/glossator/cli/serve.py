"""``glossator serve``: glossator as an HTTP service (API v1, metrics, a playground).

The service itself is :mod:`glossator.serve`; Starlette and uvicorn are imported only when
this command runs (the extra ``glossator[serve]``).
"""

from __future__ import annotations

import argparse
import os

from ..errors import UsageError
from .common import EXIT_OK, glossary_encoding_option, loaded, warn

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``glossator serve`` to the sub-parsers."""
    srv = sub.add_parser(
        "serve",
        help="serve the API and a playground over HTTP (needs glossator[serve])",
        description="Serve glossator over HTTP: POST /v1/annotate, the glossaries, "
        "/healthz, /metrics and a playground at /. Binds 127.0.0.1 unless told otherwise; "
        "never makes an outbound request. See docs/serve.md.",
    )
    srv.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default: 127.0.0.1, this machine only)")
    srv.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0: any)")
    srv.add_argument("-g", "--glossary", action="append", metavar="FILE", default=[],
                     help="glossary file of the glossary named 'default'; repeat to merge "
                     "several (default: the bundled glossary)")
    srv.add_argument("--config", metavar="FILE.toml",
                     help="several named glossaries: [glossaries.NAME] tables with "
                     "files = [...] (and optional format, encoding)")
    srv.add_argument("--glossary-format", metavar="FORMAT",
                     help="with -g: read the glossaries in FORMAT whatever their suffix")
    glossary_encoding_option(srv)
    srv.add_argument("--strict", action="store_true",
                     help="refuse glossaries with warnings (unknown keys, duplicates)")
    srv.add_argument("-q", "--quiet", action="store_true",
                     help="do not print glossary warnings")
    srv.add_argument("--cache-dir", metavar="DIR", default=os.environ.get("GLOSSATOR_CACHE_DIR"),
                     help="keep compiled glossaries in DIR (default: $GLOSSATOR_CACHE_DIR); "
                     "workers share them from there")
    _limits(srv)
    srv.set_defaults(run=run)


def _limits(srv: argparse.ArgumentParser) -> None:
    """Security, limits, processes and logs."""
    srv.add_argument("--token", default=os.environ.get("GLOSSATOR_TOKEN"),
                     help="require 'Authorization: Bearer TOKEN' on /v1/ and /metrics "
                     "(default: $GLOSSATOR_TOKEN; none: no authentication)")
    srv.add_argument("--cors-origin", action="append", metavar="ORIGIN", default=[],
                     help="let pages of ORIGIN (https://example.org) call the API; "
                     "repeatable (default: no CORS)")
    srv.add_argument("--max-bytes", type=int, default=5 * 1024 * 1024, metavar="N",
                     help="largest request body, in bytes (default: 5 MB)")
    srv.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                     help="time limit of a request, waiting included (default: 30)")
    srv.add_argument("--max-concurrency", type=int, default=8, metavar="N",
                     help="documents annotated at once per worker; more wait, up to "
                     "--timeout (default: 8)")
    srv.add_argument("--workers", type=int, default=1, metavar="N",
                     help="worker processes, sharing the compiled glossaries; /metrics "
                     "adds up all of them (default: 1)")
    srv.add_argument("--reload-interval", type=float, default=2.0, metavar="SECONDS",
                     help="how often the glossary files are checked for changes (default: 2)")
    srv.add_argument("--log-format", choices=("text", "json"), default="text",
                     help="one line per request (method, path, status, ms, bytes) as text "
                     "(default) or JSON")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise UsageError("glossator serve needs Starlette and uvicorn",
                         hint="pip install 'glossator[serve]'") from None
    from ..loaders import bundled_glossary_path
    from ..serve import DEFAULT_NAME, GlossarySpec, ServeConfig, read_config
    from ..serve.server import run_server

    if args.config and args.glossary:
        raise UsageError("give glossaries with -g or with --config, not both")
    if args.config:
        specs = read_config(args.config)
    else:
        files = tuple(args.glossary) or (str(bundled_glossary_path()),)
        specs = (GlossarySpec(DEFAULT_NAME, files, args.glossary_format,
                              args.glossary_encoding),)
    config = ServeConfig(
        specs, host=args.host, port=args.port, cache_dir=args.cache_dir, token=args.token,
        cors_origins=tuple(args.cors_origin), max_bytes=args.max_bytes, timeout=args.timeout,
        max_concurrency=args.max_concurrency, workers=args.workers,
        log_format=args.log_format, reload_interval=args.reload_interval,
        strict=args.strict, quiet=args.quiet)
    loaded(args)
    run_server(config, (lambda _: None) if args.quiet else warn)
    return EXIT_OK
