"""Regenerate the three hand-written test sites: `python tests/sites/build.py`.

The content (titles, dates, places) is written by hand in `_spip.py`, `_wp.py` and
`_drupal.py`; this script only lays it out as static files, routes and ground truth.
Output is byte-stable: running it twice gives the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _drupal  # noqa: E402
import _spip  # noqa: E402
import _wp  # noqa: E402


def main() -> None:
    """Write every site directory under tests/sites/."""
    for module in (_spip, _wp, _drupal):
        site = module.build(HERE)
        site.write()
        print(f"{site.root.name}: {len(site.items)} items, {len(site.routes)} routes")


if __name__ == "__main__":
    main()
