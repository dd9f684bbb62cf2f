"""pyproject.toml declares every package of the project, and only those: the editable
install is a plain .pth entry (no setuptools warning), so a forgotten package would only
show up on a non-editable install."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_INSTALLED = ("tests", "bench", "datasette", "build", "data", ".venv")


def test_declared_packages_are_the_packages_of_the_tree():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    declared = set(config["packages"])
    tracked = subprocess.run(["git", "ls-files", "*__init__.py"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    found = {str(Path(p).parent).replace("/", ".") for p in tracked
             if not p.startswith(NOT_INSTALLED)}
    assert declared == found
    assert config["package-dir"] == {"": "."}
