"""Quality and speed of normalize.html / normalize.documents on the shared corpus.

Prints, next to the same figures for htmldate and trafilatura run alone:
- publication dates right on the 42 pages with `htmldate_expected_date`;
- main text: share of `trafilatura_gold.with` snippets kept and `without` snippets let through;
- `htmldate_realworld_asserts` satisfied;
- PDF page counts / errors against `pdf/expected.json`;
- milliseconds per page for `extract_page`.

Usage: .venv/bin/python bench/quality_html.py [corpus_dir]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalize.documents import read_pdf  # noqa: E402
from normalize.html import decode_html  # noqa: E402
from normalize.page import extract_page  # noqa: E402
from normalize.pagedate import find_publication_date  # noqa: E402


def corpus_dir() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    return Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))


def load_pages(corpus: Path) -> list[tuple[dict, str]]:
    gold = json.loads((corpus / "html" / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for page in gold["pages"]:
        html = decode_html((corpus / "html" / page["stored_as"]).read_bytes())
        # htmldate's real-world asserts were written against htmldate's own capture.
        copy = page.get("htmldate_copy_stored_as")
        page = dict(page, _assert_html=decode_html((corpus / "html" / copy).read_bytes())
                    if copy else html)
        pages.append((page, html))
    return pages


def measure_ours(pages) -> dict:
    """Our figures: dates, snippets, real-world asserts, ms/page."""
    facts = {}
    start = time.perf_counter()
    for page, html in pages:
        facts[page["file"]] = extract_page(html, page["url"])
    elapsed = time.perf_counter() - start
    return {"facts": facts, "ms_per_page": 1000 * elapsed / len(pages),
            **score(pages, lambda p, h: (facts[p["file"]].published or "")[:10] or None,
                    lambda p, h: facts[p["file"]].body_text,
                    lambda p, h: (find_publication_date(h, p["url"]) or "")[:10] or None)}


def measure_baselines(pages) -> dict:
    """htmldate and trafilatura alone, as their authors run them."""
    import htmldate
    import trafilatura

    return score(pages, lambda p, h: htmldate.find_date(h, original_date=True),
                 lambda p, h: trafilatura.extract(h, url=p["url"]) or "",
                 lambda p, h: htmldate.find_date(h, **p["_kwargs"]))


def score(pages, date_of, text_of, assert_date_of) -> dict:
    dates_ok = dates_total = kept = kept_total = leaked = leaked_total = 0
    asserts_ok = asserts_total = 0
    misses: list[str] = []
    for page, html in pages:
        expected = page.get("htmldate_expected_date")
        found = date_of(page, html) if expected else None
        if expected:
            dates_total += 1
            if found == expected:
                dates_ok += 1
            else:
                misses.append(f"date {page['file']}: {found} != {expected}")
        for check in page.get("htmldate_realworld_asserts") or []:
            if set(check["find_date_kwargs"]) - {"original_date", "extensive_search"}:
                continue  # output formats are htmldate's API, not ours
            asserts_total += 1
            got = assert_date_of(dict(page, _kwargs=check["find_date_kwargs"]),
                                 page["_assert_html"])
            asserts_ok += got == check["expected"]
            if got != check["expected"]:
                misses.append(f"assert {page['file']}: {got} != {check['expected']}")
        gold = page.get("trafilatura_gold")
        if gold:
            text = text_of(page, html)
            for snippet in gold.get("with", []):
                kept_total += 1
                kept += snippet in text
            for snippet in gold.get("without", []):
                leaked_total += 1
                leaked += snippet in text
    return {"dates_ok": dates_ok, "dates_total": dates_total, "kept": kept,
            "kept_total": kept_total, "leaked": leaked, "leaked_total": leaked_total,
            "asserts_ok": asserts_ok, "asserts_total": asserts_total, "misses": misses}


def measure_pdfs(corpus: Path) -> dict:
    expected = json.loads((corpus / "pdf" / "expected.json").read_text())["files"]
    ok = total = 0
    slowest = 0.0
    problems = []
    for name, exp in expected.items():
        data = (corpus / "pdf" / "py-pdf-sample-files" / name).read_bytes()
        start = time.perf_counter()
        facts = read_pdf(data)
        slowest = max(slowest, time.perf_counter() - start)
        total += 1
        if exp.get("encrypted"):
            good = facts.error is not None
        else:
            good = facts.error is None and facts.pages == exp["pages"]
        ok += good
        if not good:
            problems.append(f"pdf {name}: pages={facts.pages} error={facts.error}")
    return {"ok": ok, "total": total, "slowest_s": slowest, "problems": problems}


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f} %)" if b else "n/a"


def main() -> None:
    corpus = corpus_dir()
    pages = load_pages(corpus)
    ours = measure_ours(pages)
    base = measure_baselines(pages)
    pdfs = measure_pdfs(corpus)
    print(f"pages: {len(pages)}   extract_page: {ours['ms_per_page']:.1f} ms/page")
    print(f"publication date  ours {pct(ours['dates_ok'], ours['dates_total'])}"
          f"   htmldate {pct(base['dates_ok'], base['dates_total'])}")
    print(f"realworld asserts ours {pct(ours['asserts_ok'], ours['asserts_total'])}"
          f"   htmldate {pct(base['asserts_ok'], base['asserts_total'])}")
    print(f"main text kept    ours {pct(ours['kept'], ours['kept_total'])}"
          f"   trafilatura {pct(base['kept'], base['kept_total'])}")
    print(f"boilerplate leak  ours {pct(ours['leaked'], ours['leaked_total'])}"
          f"   trafilatura {pct(base['leaked'], base['leaked_total'])}")
    print(f"pdf               {pct(pdfs['ok'], pdfs['total'])} right"
          f" (slowest {1000 * pdfs['slowest_s']:.0f} ms)")
    for line in ours["misses"] + pdfs["problems"]:
        print("  ours:", line)
    for line in base["misses"]:
        print("  baseline:", line)


if __name__ == "__main__":
    main()
