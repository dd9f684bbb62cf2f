"""A real WordPress on loopback for the tests: Debian's `wordpress` package, a throwaway
MariaDB and PHP's built-in web server, all under one temporary directory.

Nothing system-wide is touched. Debian's WordPress reads its configuration from
/etc/wordpress/config-<host>.php; instead, the site lives in a private tree whose
top-level PHP files are copies of the package's (WordPress finds its `wp-config.php`
beside `wp-load.php`, symlinks would lead it back to Debian's), `wp-admin` and
`wp-includes` are links to the package, and `wp-content` is the site's own (uploads) with
the packaged theme linked in. MariaDB runs from its own datadir and unix socket with
networking off; `php -S 127.0.0.1:PORT router.php` serves the tree.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
WORDPRESS = Path(os.environ.get("CRPV_WORDPRESS_DIR", "/usr/share/wordpress"))
# php-xml: WordPress's sitemaps need SimpleXML, which Debian's wordpress package does not
# pull in (without it /wp-sitemap.xml answers 501 while robots.txt still announces it).
PACKAGES = "apt-get install wordpress mariadb-server php-cli php-xml"
DB_NAME = "wordpress"


def _tool(name: str, *more: str) -> str | None:
    for candidate in (name, *more):
        found = shutil.which(candidate) or shutil.which(candidate, path="/usr/sbin:/sbin")
        if found:
            return found
    return None


def missing_requirement() -> str | None:
    """Why a real WordPress cannot run here (a sentence naming the package), or None."""
    if not (WORDPRESS / "wp-settings.php").is_file():
        return f"Debian's WordPress not found in {WORDPRESS} ({PACKAGES})"
    if _tool("mariadbd", "mysqld") is None or _tool("mariadb-install-db", "mysql_install_db") is None:
        return f"MariaDB server not installed ({PACKAGES})"
    php = _tool("php")
    if php is None:
        return f"PHP command line not installed ({PACKAGES})"
    for extension, package in (("mysqli", "php-mysql"), ("simplexml", "php-xml")):
        probe = subprocess.run([php, "-r", f"exit(extension_loaded('{extension}') ? 0 : 1);"],
                               capture_output=True, timeout=30)
        if probe.returncode != 0:
            return f"PHP's {extension} extension is missing ({package}; {PACKAGES})"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: be terminated if the test process dies without cleaning up."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Request:
    """One request the site answered, from the server's log (see router.php)."""

    method: str
    path: str  # path and query, as asked
    status: int
    conditional: bool  # sent with If-None-Match or If-Modified-Since (logged by the router)


# `[Fri Dec  4 17:41:09 2026] 127.0.0.1:43210 [200]: GET /2026/10/slug/ (conditional)`
_LOG_LINE = re.compile(r"^\[[^\]]+\] \S+ \[(\d{3})\]: (\w+) (\S+)( \(conditional\))?$")


class WordPressSite:
    """Debian's WordPress with its own database and server, under `workdir`."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.tree = self.workdir / "site"
        self.db_dir = self.workdir / "db"
        self.socket = self.db_dir / "mysqld.sock"
        self._socket_dir: Path | None = None
        if len(str(self.socket)) > 100:  # a unix socket path is at most 107 bytes
            self._socket_dir = Path(tempfile.mkdtemp(prefix="crpv-wp-"))
            self.socket = self._socket_dir / "mysqld.sock"
        self.port = _free_port()
        self.home = f"http://127.0.0.1:{self.port}"
        self.php = _tool("php")
        self._mariadb: subprocess.Popen | None = None
        self._web: subprocess.Popen | None = None
        self._web_log = self.workdir / "php-server.log"

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_mariadb()
            self._build_tree()
            self._start_web()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop both servers and delete the database files and the site tree (the logs,
        a few kilobytes, stay in `workdir`)."""
        _stop(self._web)
        _stop(self._mariadb)
        self._web = self._mariadb = None
        for folder in (self.db_dir, self.tree, self._socket_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def _start_mariadb(self) -> None:
        data = self.db_dir / "data"
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        install = subprocess.run(
            [_tool("mariadb-install-db", "mysql_install_db"), "--no-defaults", f"--datadir={data}",
             *as_root, "--auth-root-authentication-method=normal", "--skip-test-db",
             "--skip-name-resolve"],
            capture_output=True, text=True, timeout=120)
        if install.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed: {install.stderr[-2000:]}")
        log = self.workdir / "mariadbd.err"
        self._mariadb = subprocess.Popen(
            [_tool("mariadbd", "mysqld"), "--no-defaults", f"--datadir={data}", f"--socket={self.socket}",
             "--skip-networking", *as_root, f"--pid-file={self.db_dir / 'mariadbd.pid'}",
             f"--log-error={log}", "--innodb-buffer-pool-size=32M", "--skip-log-bin",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 60
        while not self.socket.exists():
            if self._mariadb.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"mariadbd did not start: {tail}")
            time.sleep(0.05)
        self.sql(f"CREATE DATABASE {DB_NAME} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

    def sql(self, statement: str) -> str:
        """Run one SQL statement as MariaDB's root over the private socket."""
        client = _tool("mariadb", "mysql")
        done = subprocess.run([client, "--no-defaults", f"--socket={self.socket}", "-uroot",
                               "--batch", "--skip-column-names", "-e", statement],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"SQL failed: {statement}: {done.stderr}")
        return done.stdout

    def _build_tree(self) -> None:
        self.tree.mkdir()
        for entry in WORDPRESS.iterdir():
            if entry.name in ("wp-admin", "wp-includes"):
                (self.tree / entry.name).symlink_to(entry)
            elif entry.is_file() and entry.name != "wp-config.php":
                shutil.copy2(entry, self.tree / entry.name)
        content = self.tree / "wp-content"
        for folder in ("themes", "plugins", "uploads"):
            (content / folder).mkdir(parents=True)
        for theme in (WORDPRESS / "wp-content" / "themes").iterdir():
            (content / "themes" / theme.name).symlink_to(theme)
        (content / "languages").symlink_to(WORDPRESS / "wp-content" / "languages")
        (self.tree / "wp-config.php").write_text(_wp_config(self.home, self.socket), encoding="utf-8")

    def _start_web(self) -> None:
        errors = self.workdir / "php-errors.log"
        self._web = subprocess.Popen(
            [self.php, "-d", "opcache.enable_cli=1", "-d", "display_errors=0", "-d", "log_errors=1",
             "-d", f"error_log={errors}", "-S", f"127.0.0.1:{self.port}", "-t", str(self.tree),
             str(HERE / "router.php")],
            cwd=self.tree, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._web_log.open("wb"), preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self._web.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("php -S did not start: "
                                       + self._web_log.read_text(errors="replace")[-2000:])
                time.sleep(0.05)

    # -- content -------------------------------------------------------------------------
    def run(self, command: str, spec: dict) -> dict:
        """`site.php COMMAND` with `spec`: WordPress's own PHP API, in a PHP process."""
        spec_file = self.workdir / f"{command}-{time.monotonic_ns()}.json"
        spec_file.write_text(json.dumps({"home": self.home, **spec}, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run([self.php, "-d", "display_errors=stderr", str(HERE / "site.php"),
                               str(self.tree), command, str(spec_file)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"site.php {command} failed ({done.returncode}): "
                               f"{done.stderr[-3000:]}{done.stdout[-2000:]}")
        return json.loads(done.stdout[done.stdout.index("{"):])

    # -- what the site was asked -------------------------------------------------------
    def requests(self) -> list[Request]:
        """Every request answered so far, in order."""
        found = []
        for line in self._web_log.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _LOG_LINE.search(line)
            if match:
                found.append(Request(match[2], match[3], int(match[1]), bool(match[4])))
        return found

    def path_of(self, url: str) -> str:
        parts = urlsplit(url)
        return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def _wp_config(home: str, db_socket: Path) -> str:
    salts = "\n".join(f"define('{name}', 'crpv-test-{name.lower()}');" for name in (
        "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
        "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"))
    return f"""<?php
// Written by tests/wordpress/server.py for one test session.
define('DB_NAME', '{DB_NAME}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{db_socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_HOME', '{home}');
define('WP_SITEURL', '{home}');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
// A closed network: no update checks, no cron spawned over HTTP (so a scheduled post
// stays scheduled), no outgoing requests.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""
