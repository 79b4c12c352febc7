"""PHP, MariaDB and WordPress for the integration tests: found here, never installed.

``tools/provision-php.sh`` (run by ``tools/provision-tests.sh``, the README's test command
and ``.ci/run``) installs Debian's ``php-cli``, ``mariadb-server`` and ``wordpress``. This
module only looks for them, and starts what the tests run, as the current user, in
temporary folders, on loopback or a Unix socket only:

- :func:`start_mariadb`: a private MariaDB server (``mariadb-install-db`` into a temporary
  data folder, then ``mariadbd --skip-networking`` on a socket there);
- :func:`make_site`: a WordPress site of Debian's WordPress files (the few PHP files at its
  root copied, so that the site's own ``wp-config.php`` is the one read; ``wp-admin`` and
  ``wp-includes`` linked), installed with WordPress's own ``wp_install()`` by php-cli, with
  the plugin of ``integrations/wordpress/glossator``, a small test theme (and Debian's
  package of WordPress 6.1's default theme, a block theme) and a must-use
  plugin that reports every notice and adds a test shortcode (``tests/data/wordpress/``);
- :class:`PhpServer`: PHP's built-in web server (``php -S 127.0.0.1:PORT``) serving it.

When something is missing the tests skip, naming the provisioning script, and fail on CI
(``CI=true``): a green CI must not hide PHP tests that did not run.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from support.browser import on_ci

#: The command that installs what this module looks for.
PROVISION = "bash tools/provision-tests.sh"

#: Debian's WordPress.
WORDPRESS = Path("/usr/share/wordpress")

REPO_ROOT = Path(__file__).resolve().parents[2]
PLUGIN = REPO_ROOT / "integrations" / "wordpress" / "glossator"
THEME = REPO_ROOT / "tests" / "data" / "wordpress" / "theme"
RUN_PHP = REPO_ROOT / "tests" / "data" / "wordpress" / "run.php"


def unavailable(reason: str) -> NoReturn:
    """Fail on CI, skip elsewhere: ``reason`` says what is missing and how to get it."""
    if on_ci():
        pytest.fail(f"PHP tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require_php() -> str:
    """The path of php-cli with the curl extension; skipped (failed on CI) otherwise."""
    php = shutil.which("php")
    if php is None:
        unavailable(f"php-cli is not installed: run `{PROVISION}`")
    modules = subprocess.run([php, "-m"], capture_output=True, text=True, timeout=60).stdout
    if "curl" not in modules.split():
        unavailable(f"PHP lacks its curl extension: run `{PROVISION}`")
    return php


def require_wordpress() -> tuple[str, str, str]:
    """php, mariadbd and mariadb-install-db, with WordPress and mysqli; skipped (failed on
    CI) when one is missing."""
    php = require_php()
    if "mysqli" not in subprocess.run([php, "-m"], capture_output=True, text=True,
                                      timeout=60).stdout.split():
        unavailable(f"PHP lacks its mysqli extension: run `{PROVISION}`")
    mariadbd = shutil.which("mariadbd") or ("/usr/sbin/mariadbd"
                                            if os.access("/usr/sbin/mariadbd", os.X_OK) else None)
    install_db = shutil.which("mariadb-install-db")
    if mariadbd is None or install_db is None:
        unavailable(f"MariaDB's server is not installed: run `{PROVISION}`")
    if not (WORDPRESS / "wp-settings.php").is_file():
        unavailable(f"WordPress is not installed ({WORDPRESS}): run `{PROVISION}`")
    if not (WORDPRESS / "wp-content" / "themes" / "twentytwentythree").is_dir():
        unavailable(f"WordPress's default theme is not installed: run `{PROVISION}`")
    return php, mariadbd, install_db


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    """Wait until ``predicate()`` is true, or fail naming ``what``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


@dataclass
class MariaDB:
    """A private MariaDB server: its socket, its process and its error log."""

    socket: Path
    process: subprocess.Popen[bytes]
    log: Path

    def sql(self, statement: str) -> str:
        """Run ``statement`` as root with the ``mariadb`` client."""
        done = subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-u",
                               "root", "-N", "-e", statement],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 30 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_mariadb(base: Path, mariadbd: str, install_db: str) -> MariaDB:
    """A MariaDB server of its own in ``base``, as the current user, without networking."""
    user = pwd.getpwuid(os.getuid()).pw_name
    data, sock, log = base / "data", base / "mariadb.sock", base / "mariadb.log"
    done = subprocess.run([install_db, "--no-defaults", f"--datadir={data}", f"--user={user}",
                           "--auth-root-authentication-method=normal", "--skip-test-db",
                           "--skip-name-resolve"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"mariadb-install-db failed:\n{done.stdout}\n{done.stderr}"
    process = subprocess.Popen(
        [mariadbd, "--no-defaults", f"--datadir={data}", f"--socket={sock}",
         "--skip-networking", f"--user={user}", f"--pid-file={base / 'mariadb.pid'}",
         f"--log-error={log}", "--skip-log-bin", "--innodb-buffer-pool-size=32M"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = MariaDB(sock, process, log)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError("mariadbd stopped:\n" + log.read_text(errors="replace"))
        return sock.exists() and subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={sock}", "-u", "root", "-e", "SELECT 1"],
            capture_output=True, timeout=30).returncode == 0

    try:
        wait_for(ready, 120, "mariadbd did not answer")
    except BaseException:
        db.stop()
        raise
    return db


@dataclass
class Site:
    """A WordPress site: its folder, its URL, and php-cli to run code in it."""

    root: Path
    url: str
    php: str

    def run(self, code: str, check: bool = True, install: bool = False,
            timeout: float = 120) -> str:
        """Run PHP ``code`` in the site, WordPress loaded (``tests/data/wordpress/run.php``;
        as its installer loads it with ``install``); what it prints, within ``timeout``
        seconds."""
        done = subprocess.run([self.php, str(RUN_PHP), str(self.root),
                               *(["install"] if install else [])], input=code,
                              capture_output=True, text=True, timeout=timeout)
        if check:
            assert done.returncode == 0 and not done.stderr, (
                f"php failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout


def make_site(base: Path, php: str, db: MariaDB, port: int) -> Site:
    """A WordPress site in ``base`` on database ``wordpress`` of ``db``, to be served on
    ``port``: installed, with the test theme and the glossator plugin active."""
    root = base / "site"
    root.mkdir()
    for entry in WORDPRESS.iterdir():
        if entry.name in ("wp-admin", "wp-includes"):
            (root / entry.name).symlink_to(entry)
        elif entry.suffix == ".php" and entry.name != "wp-config.php":
            shutil.copy(entry, root / entry.name)
    (root / "wp-content" / "plugins").mkdir(parents=True)
    (root / "wp-content" / "themes").mkdir()
    shutil.copytree(PLUGIN, root / "wp-content" / "plugins" / "glossator")
    shutil.copytree(THEME, root / "wp-content" / "themes" / "glossator-test")
    shutil.copytree(WORDPRESS / "wp-content" / "themes" / "twentytwentythree",
                    root / "wp-content" / "themes" / "twentytwentythree", symlinks=True)
    (root / "wp-content" / "mu-plugins").mkdir()
    shutil.copy(THEME.parent / "test-site.php", root / "wp-content" / "mu-plugins")
    url = f"http://127.0.0.1:{port}"
    keys = "\n".join(f"define( '{k}', '{secrets.token_hex(16)}' );" for k in (
        "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
        "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"))
    (root / "wp-config.php").write_text(f"""<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:{db.socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
{keys}
$table_prefix = 'wp_';
define( 'WP_HOME', '{url}' );
define( 'WP_SITEURL', '{url}' );
// WordPress 6.1's own code is not ready for PHP 8.2's deprecations, which WP_DEBUG would
// print: without it WordPress reports warnings and errors, which PHP displays
define( 'WP_DEBUG', false );
ini_set( 'display_errors', '1' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
""", encoding="utf-8")
    db.sql("CREATE DATABASE wordpress CHARACTER SET utf8mb4")
    site = Site(root, url, php)
    site.run("""
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        require_once ABSPATH . 'wp-admin/includes/plugin.php';
        wp_install( 'Glossator', 'admin', 'admin@example.org', false, '', 'secret' );
        switch_theme( 'glossator-test' );
        $r = activate_plugin( 'glossator/glossator.php' );
        if ( is_wp_error( $r ) ) { fwrite( STDERR, $r->get_error_message() ); exit( 1 ); }
    """, install=True)
    return site


class PhpServer:
    """PHP's built-in web server serving a folder on 127.0.0.1."""

    def __init__(self, php: str, root: Path, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [php, "-S", f"127.0.0.1:{port}", "-t", str(root)], cwd=root,
            stdout=self._log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def up() -> bool:
            if self.process.poll() is not None:
                raise AssertionError("php -S stopped:\n" + log.read_text(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False

        wait_for(up, 60, "php -S did not listen")

    def get(self, path: str, timeout: float = 60) -> tuple[int, str]:
        """``GET path``: the status and the body, decoded."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}",
                                        timeout=timeout) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def stop(self) -> None:
        """Stop the server."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log_file.close()


#: Index page (link_to) settings a plugin's form is given: relative, absolute, with
#: ``{id}``, and those the service refuses (a #fragment, other schemes, white space,
#: quotes, a control character), for the plugins' checks to agree with the service's.
LINKS = ["index.html", "../lexique/", "/glossaire.html", "/spip.php?page=glossaire&x=1",
         "https://site.example/glossaire/{id}", "lexique.html#mot-{id}", "HTTP://a.example/g",
         "https://site.example/glossaire/#lexique", "glossaire.html#", "javascript:alert(1)",
         "{id}script:alert(1)", "data:text/html,x", "/g lossaire", "/g\u00a0x", "\x01javascript:x",
         "/g`x", "/g'x", '/g"x', "/g<x>", "mailto:a@b.example", "ftp://a.example/"]


def service_takes(link: str) -> bool:
    """Whether ``glossator serve`` takes ``link`` as ``link_to`` (its own check)."""
    from glossator.anchors import check_link_to
    from glossator.errors import UsageError

    try:
        check_link_to(link)
    except UsageError:
        return False
    return True
