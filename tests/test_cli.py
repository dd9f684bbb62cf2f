"""The command line: every user error is one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def crpv(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "portail.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("registry_text,message", [
    ("centres: [", "invalid YAML"),
    ("centres:\n  - {name: X, url: 'https://x.fr/'}\n", "missing required field 'id'"),
    ("centres:\n  - {id: x, url: 'https://x.fr/'}\n", "missing required field 'name'"),
    ("centres:\n  - {id: x, name: X}\n", "missing required field 'url'"),
    ("centres:\n  - {id: x, name: X, url: 'https://x.fr/'}\n  - {id: x, name: X, url: 'https://x.fr/'}\n", "duplicate id"),
    ("centres:\n  - {id: x, name: X, url: 'https://x.fr/', timezone: Mars/Olympus}\n", "not a known IANA time zone"),
    ("centres:\n  - id: x\n    name: X\n    url: https://x.fr/\n    sources: [{url: 'https://x.fr/a', content: blog}]\n", "must be one of news, event, document"),
])
def test_harvest_with_broken_registry(tmp_path, registry_text, message):
    broken = tmp_path / "broken.yaml"
    broken.write_text(registry_text, encoding="utf-8")
    result = crpv("harvest", "--registry", str(broken), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crpv: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("args,message", [
    (["harvest", "--db", "/nonexistent/dir/x.db"], "directory /nonexistent/dir does not exist"),
    (["harvest", "--centre", "atlantis", "--db", "{tmp}/x.db"], "no centre with id 'atlantis'"),
    (["harvest", "--mode", "heavy"], "'heavy' is not one of 'light', 'full'"),
    (["harvest", "--frobnicate"], "No such option '--frobnicate'"),
    (["status", "--db", "{tmp}/missing.db"], "database not found"),
    (["serve", "--db", "{tmp}/notadb.db"], "not a SQLite database"),
    (["harvest", "--db", "{tmp}"], "is a directory"),
    (["bake"], "No such command 'bake'"),
])
def test_bad_command_lines(tmp_path, args, message):
    (tmp_path / "notadb.db").write_text("hello, not sqlite", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = crpv(*args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_help_has_an_example_for_every_command():
    for command in ("harvest", "serve", "status", "schedule", "demo"):
        result = crpv(command, "--help")
        assert result.returncode == 0, command
        assert "Example: crpv " in result.stdout, command


def test_bad_pinned_day_is_one_line(tmp_path):
    registry = tmp_path / "one.yaml"
    registry.write_text("centres:\n  - {id: x, name: X, url: 'http://127.0.0.1:9/'}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "portail.cli", "harvest", "--registry", str(registry),
                             "--db", str(tmp_path / "x.db")], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, env={**os.environ, "CRPV_TODAY": "25/11/2026"})
    assert result.returncode == 2
    assert result.stderr.strip() == "crpv: error: CRPV_TODAY='25/11/2026' is not a date (YYYY-MM-DD)"
    assert not (tmp_path / "x.db").exists()
