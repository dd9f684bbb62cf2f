"""Quality of actions and places (`normalize/actions.py`, `normalize/communes.py`).

Prints:
1. on the demo: precision and recall of `action` against the mirror's ground truth (every
   "Fiche expérience" must be one), and the precision and recall of the communes
   (item × commune pairs) beside the baseline of the event's city alone, which is all the
   portal knew of places before `item_places`;
2. on the labelled French pages of the shared corpus (tests/normalization/
   communes_labelled.json): commune precision and recall, beside a plain gazetteer baseline
   (every capitalised name of a commune of 2,000 inhabitants or more, the largest homonym);
3. the time per item.

The demo database is `build/demo.db` (CRPV_DEMO_DB overrides; built by `crpv demo --no-serve`
when missing); the places are read again on a copy with the current rules.

Run: .venv/bin/python bench/quality_places.py   (CRPV_CORPUS overrides the corpus path)
"""

from __future__ import annotations

import json
import lzma
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from normalize.communes import ABOUT, find_communes  # noqa: E402
from normalize.geo import geography  # noqa: E402

CORPUS = Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))
LABELS = ROOT / "tests" / "normalization" / "communes_labelled.json"
DEMO_DB = Path(os.environ.get("CRPV_DEMO_DB", ROOT / "build" / "demo.db"))


def page_text(path: Path, url: str) -> tuple[str, str]:
    """Title and main text of a corpus page (trafilatura, as the labels were read)."""
    import trafilatura

    raw = path.read_bytes()
    if path.suffix == ".xz":
        raw = lzma.decompress(raw)
    doc = trafilatura.bare_extraction(raw.decode("utf-8", "replace"), url=url, with_metadata=True)
    data = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    return data.get("title") or "", data.get("text") or ""


def gazetteer(title: str, text: str) -> set[str]:
    """The baseline: capitalised names of communes of 2,000 inhabitants or more."""
    geo = geography()
    if not hasattr(gazetteer, "names"):
        names: dict[str, object] = {}
        for c in sorted(geo.communes.values(), key=lambda c: -c.population):
            if c.population >= 2000:
                names.setdefault(c.nom, c)
        gazetteer.names = names
        gazetteer.pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    return {gazetteer.names[m.group(1)].code for m in gazetteer.pattern.finditer(f"{title}\n{text}")}


def rates(agreed: int, given: int, expected: int) -> str:
    p = agreed / given if given else 1.0
    r = agreed / expected if expected else 1.0
    return f"precision {p:.1%} ({agreed}/{given}), recall {r:.1%} ({agreed}/{expected})"


def corpus_quality() -> None:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["pages"]
    ours = [0, 0, 0]
    base = [0, 0, 0]
    misses, extras = [], []
    started = time.perf_counter()
    for page in labels:
        path = CORPUS / page["file"]
        if not path.exists():
            print(f"  (missing corpus file {page['file']})")
            continue
        title, text = page_text(path, page["url"])
        want = set(page["communes"])
        got = {c.code for c in find_communes(title, text) if c.confidence >= ABOUT}
        plain = gazetteer(title, text)
        for counts, found in ((ours, got), (base, plain)):
            counts[0] += len(want & found)
            counts[1] += len(found)
            counts[2] += len(want)
        misses += [(page["file"], c) for c in sorted(want - got)]
        extras += [(page["file"], c) for c in sorted(got - want)]
    geo = geography()
    print(f"corpus: {len(labels)} French pages, {sum(1 for p in labels if p['communes'])} about "
          f"communes, {sum(len(p['communes']) for p in labels)} labels "
          f"({time.perf_counter() - started:.1f} s with text extraction)")
    print(f"  communes, find_communes : {rates(*ours)}")
    print(f"  communes, gazetteer     : {rates(*base)}")
    name = lambda code: geo.communes[code].nom if code in geo.communes else code  # noqa: E731
    if extras:
        print("  given but not labelled : " + ", ".join(f"{name(c)} ({Path(f).stem[:24]})" for f, c in extras))
    if misses:
        print("  labelled but missed    : " + ", ".join(f"{name(c)} ({Path(f).stem[:24]})" for f, c in misses))


def demo_quality() -> None:
    from mirror.places import score_places
    from pipelines.places import update_places
    from pipelines.schema import open_database
    from portail.demo import ensure_mirror

    mirror = ensure_mirror(ROOT / "data" / "mirror", date.today())
    truth = json.loads((mirror / "ground_truth.json").read_text(encoding="utf-8"))
    if not DEMO_DB.exists():
        subprocess.run([str(ROOT / ".venv" / "bin" / "crpv"), "demo", "--no-serve", "--db", str(DEMO_DB)],
                       check=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.db"
        source = sqlite_utils.Database(DEMO_DB)
        source.conn.execute(f"vacuum into '{copy}'")
        db = open_database(copy)
        db.execute("delete from item_analyses")
        started = time.perf_counter()
        count = update_places(db)
        elapsed = time.perf_counter() - started
        s = score_places(db, truth)
    print(f"demo: {s['items']} items of the ground truth harvested; {count} read in {elapsed:.1f} s "
          f"({1000 * elapsed / max(count, 1):.1f} ms per item, geography and database writes included)")
    print(f"  actions : precision {s['action_precision']:.1%}, recall {s['action_recall']:.1%} "
          f"({s['tp']} right, {s['fp']} wrong, {s['fn']} missed); fiches expérience found "
          f"{s['fiches_found']}/{s['fiches']}")
    print(f"  communes, item_places   : {rates(s['agreed'], s['given'], s['expected'])}")
    print(f"  communes, event city    : {rates(s['base_agreed'], s['base_given'], s['expected'])}")
    if s["misses"] or s["false_actions"]:
        print("  actions missed: " + "; ".join(s["misses"][:8]) + " | wrongly: " + "; ".join(s["false_actions"][:8]))
    print("  some place mistakes (title, truth, found):")
    for title, want, got in s["wrong_places"][:8]:
        print(f"    {title[:70]} | {want} | {got}")


def main() -> int:
    corpus_quality()
    print()
    demo_quality()
    return 0


if __name__ == "__main__":
    sys.exit(main())
