"""What the WordPress plugin costs a page, in a real WordPress.

    python benchmarks/wordpress.py [--rounds 15]

The site of tests/test_wordpress.py (Debian's WordPress 6.1 and PHP 8.2, a private
MariaDB, PHP's built-in web server, a real ``glossator serve`` with the bundled glossary,
all on this machine; ``bash tools/provision-tests.sh`` installs them). One post of about
5 KB (the paragraphs of benchmarks/serve.py's page, after one with two terms), fetched
whole over loopback in three ways, round-robin in each round, the order turning from round
to round:

- ``off``: the post's own switch off (the plugin loaded, nothing asked of the service);
- ``miss``: the plugin's cache forgotten just before (outside the timing): one call to
  the service;
- ``hit``: the same page again, from the cache.

The plugin's timeout is raised to 10 s here (the most it allows), so that a slow answer
on a loaded machine is measured rather than dropped.

Prints one JSON line: the median and the slowest of each, in milliseconds, and the
ratios of the medians to ``off``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "benchmarks")]

from serve import five_kb_page  # noqa: E402

from serve_support import start_server  # noqa: E402
from support.php import (  # noqa: E402
    PhpServer,
    free_port,
    make_site,
    require_wordpress,
    start_mariadb,
)


def php_string(text: str) -> str:
    """``text`` as a PHP string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def main() -> None:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    php, mariadbd, install_db = require_wordpress()
    # the page's paragraphs hold no term of the bundled glossary: one that does leads
    content = ("<p>L’ESS et les PTCE en France.</p>\n"
               + "".join(re.findall(r"<p>.*?</p>\n", five_kb_page())))
    with tempfile.TemporaryDirectory(prefix="glossator-bench-wp-") as tmp:
        base = Path(tmp)
        db = start_mariadb(base, mariadbd, install_db)
        service = start_server()
        port = free_port()
        web = None
        try:
            site = make_site(base, php, db, port)
            # a loaded machine may take longer than the plugin's 2 s: a miss must be a miss
            (site.root / "wp-content" / "mu-plugins" / "bench.php").write_text(
                "<?php add_filter( 'glossator_timeout', function () { return 10.0; } );\n")
            web = PhpServer(php, site.root, port, base / "php.log")
            site.run(f"""
                update_option( GLOSSATOR_OPTION, array( 'url' => '{service.base}',
                    'post_types' => array( 'post' ) ) );
            """)
            ids = {}
            for name in ("off", "on"):
                ids[name] = int(site.run(
                    "echo wp_insert_post( array( 'post_title' => 'Page', 'post_status' => "
                    f"'publish', 'post_content' => {php_string(content)} ) );"))
            site.run(f"update_post_meta( {ids['off']}, '_glossator_off', '1' );")
            assert "data-glossator-entry" in web.get(f"/?p={ids['on']}")[1]  # warm up
            web.get(f"/?p={ids['off']}")
            times: dict[str, list[float]] = {"off": [], "miss": [], "hit": []}
            order = ["off", "miss", "hit"]
            for r in range(args.rounds):
                for kind in order[r % 3:] + order[:r % 3]:
                    if kind == "miss":
                        site.run("glossator_flush_cache();")
                    path = f"/?p={ids['off' if kind == 'off' else 'on']}"
                    started = time.perf_counter()
                    status, page = web.get(path)
                    times[kind].append((time.perf_counter() - started) * 1000)
                    assert status == 200 and ("data-glossator-entry" in page) == (kind != "off")
        finally:
            if web is not None:
                web.stop()
            service.stop()
            db.stop()
    medians = {k: statistics.median(v) for k, v in times.items()}
    print(json.dumps({
        "rounds": args.rounds, "content_bytes": len(content.encode()),
        **{f"{k}_ms": {"median": round(medians[k], 1), "slowest": round(max(v), 1)}
           for k, v in times.items()},
        "miss_over_off": round(medians["miss"] / medians["off"], 2),
        "hit_over_off": round(medians["hit"] / medians["off"], 2),
    }))


if __name__ == "__main__":
    main()
