"""Page dates and main text on pages nobody here wrote: `corpus/realworld/` and `corpus/html/`.

In one run, on the same decoded pages, prints for each set:
- publication day right: ours (`extract_page`) vs htmldate (`original_date=True`, and its
  default call);
- main text: share of gold `with` snippets kept and `without` snippets let through, ours vs
  trafilatura (`trafilatura.extract`, its default call);
- milliseconds per page for each, and the ratio of ours to the baseline: the sides take
  turns page by page (the machine is shared, its speed drifts), over `--repeats` passes;
  each figure is the median (min–max) over the passes.

The pages are read as the harvester reads them (`decode_html`: BOM, valid UTF-8, declared
charset, detection). A page has no centre: it is read in the default centre context
(Europe/Paris), which only matters for times written without an offset or in UTC.

The realworld figures of a whole run (no `--limit`) are written between `<!-- extraction -->`
markers in `bench/RESULTS.md` (`--no-results`: printed only).

Usage: .venv/bin/python bench/quality_realworld.py [--misses] [--only dates|text] [--limit N]
       [--repeats N] [--no-results]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from normalize.html import decode_html  # noqa: E402
from normalize.page import extract_page  # noqa: E402
from servers import machine, median_range, replace_section  # noqa: E402  (the benches' helpers)


def corpus_dir() -> Path:
    return Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))


def realworld_pages(corpus: Path, name: str, limit: int | None = None) -> list[dict]:
    """Pages of `realworld/<name>.json` with their decoded HTML under `html`."""
    folder = corpus / "realworld"
    pages = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["pages"]
    out = []
    for page in pages[:limit]:
        raw = lzma.decompress((folder / "pages" / page["file"]).read_bytes())
        out.append(dict(page, html=decode_html(raw)))
    return out


def html_pages(corpus: Path) -> tuple[list[dict], list[dict]]:
    """The 42 dated and 32 snippet pages of `html/gold.json`, in the same shape."""
    gold = json.loads((corpus / "html" / "gold.json").read_text(encoding="utf-8"))
    dated, texts = [], []
    for page in gold["pages"]:
        html = decode_html((corpus / "html" / page["stored_as"]).read_bytes())
        if page.get("htmldate_expected_date"):
            dated.append({"url": page["url"], "file": page["stored_as"], "html": html,
                          "date": page["htmldate_expected_date"]})
        snippets = page.get("trafilatura_gold") or {}
        if snippets.get("with") or snippets.get("without"):
            texts.append({"url": page["url"], "file": page["stored_as"], "html": html,
                          "with": snippets.get("with", []), "without": snippets.get("without", [])})
    return dated, texts


def timed(functions, pages, repeats: int = 1) -> tuple[list[list], list[list[float]]]:
    """Results of each function over the pages, and its milliseconds per page in each pass.

    The functions take turns page by page, in an order that rotates from page to page, so
    that a machine slowed by other work slows every side alike. A warm-up on the first
    pages (lazy imports, caches, dateparser's locale tables) comes first, so that no side
    pays the one-time costs of a process."""
    for page in pages[:5]:
        for function in functions:
            function(page)
    results: list[list] = [[] for _ in functions]
    passes: list[list[float]] = [[] for _ in functions]
    for repeat in range(repeats):
        spent = [0.0] * len(functions)
        for number, page in enumerate(pages):
            turn = number % len(functions)
            for k in [*range(turn, len(functions)), *range(turn)]:
                start = time.perf_counter()
                value = functions[k](page)
                spent[k] += time.perf_counter() - start
                if repeat == 0:
                    results[k].append(value)
        for k, seconds in enumerate(spent):
            passes[k].append(1000 * seconds / max(1, len(pages)))
    return results, passes


def ours_date(page) -> str | None:
    facts = extract_page(page["html"], page["url"])
    return (facts.published or "")[:10] or None


def htmldate_original(page) -> str | None:
    import htmldate

    return htmldate.find_date(page["html"], url=page["url"], original_date=True)


def htmldate_default(page) -> str | None:
    import htmldate

    return htmldate.find_date(page["html"], url=page["url"])


def ours_text(page) -> str:
    return extract_page(page["html"], page["url"]).body_text or ""


def trafilatura_text(page) -> str:
    import trafilatura

    return trafilatura.extract(page["html"], url=page["url"]) or ""


def date_scores(pages, found) -> tuple[int, list[str]]:
    right, misses = 0, []
    for page, value in zip(pages, found):
        if value == page["date"]:
            right += 1
        else:
            misses.append(f"{page['file']}: {value} != {page['date']}")
    return right, misses


def text_scores(pages, texts) -> dict:
    kept = kept_total = leaked = leaked_total = 0
    misses = []
    for page, text in zip(pages, texts):
        for snippet in page["with"]:
            kept_total += 1
            if snippet in text:
                kept += 1
            else:
                misses.append(f"{page['file']}: lost {snippet!r}")
        for snippet in page["without"]:
            leaked_total += 1
            if snippet in text:
                leaked += 1
                misses.append(f"{page['file']}: leaked {snippet!r}")
    return {"kept": kept, "kept_total": kept_total, "leaked": leaked,
            "leaked_total": leaked_total, "misses": misses}


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f} %)" if b else "n/a"


def run_dates(label: str, pages: list[dict], show_misses: bool, repeats: int = 1) -> list[str]:
    (ours, original, default), (ms_ours, ms_original, ms_default) = timed(
        (ours_date, htmldate_original, htmldate_default), pages, repeats)
    ok, misses = date_scores(pages, ours)
    ok_original, _ = date_scores(pages, original)
    ok_default, _ = date_scores(pages, default)
    ratios = [a / b for a, b in zip(ms_ours, ms_original)]
    lines = [
        f"[{label}] publication day on {len(pages)} pages (ms/page: median (min–max) of {repeats})",
        f"  ours                          {pct(ok, len(pages))}  {median_range(ms_ours)} ms/page",
        f"  htmldate original_date=True   {pct(ok_original, len(pages))}  {median_range(ms_original)} ms/page",
        f"  htmldate default              {pct(ok_default, len(pages))}  {median_range(ms_default)} ms/page",
        f"  ours - best htmldate          {ok - max(ok_original, ok_default):+d} pages; time ratio "
        f"to htmldate original_date=True {median_range(ratios, 2)} (whole extract_page)",
    ]
    print("\n".join(lines), flush=True)
    if show_misses:
        for line in misses:
            print("    miss", line)
    return lines


def run_text(label: str, pages: list[dict], show_misses: bool, repeats: int = 1) -> list[str]:
    (ours, base), (ms_ours, ms_base) = timed((ours_text, trafilatura_text), pages, repeats)
    mine, theirs = text_scores(pages, ours), text_scores(pages, base)
    ratios = [a / b for a, b in zip(ms_ours, ms_base)]
    lines = [
        f"[{label}] main text on {len(pages)} pages (ms/page: median (min–max) of {repeats})",
        f"  kept    ours {pct(mine['kept'], mine['kept_total'])}"
        f"   trafilatura {pct(theirs['kept'], theirs['kept_total'])}",
        f"  leaked  ours {pct(mine['leaked'], mine['leaked_total'])}"
        f"   trafilatura {pct(theirs['leaked'], theirs['leaked_total'])}",
        f"  time    ours {median_range(ms_ours)} ms/page (whole extract_page)"
        f"   trafilatura {median_range(ms_base)} ms/page   ratio {median_range(ratios, 2)}",
    ]
    print("\n".join(lines), flush=True)
    if show_misses:
        for line in mine["misses"]:
            print("    ours", line)
    return lines


def write_results(lines: list[str], repeats: int) -> None:
    """Replace the extraction section of bench/RESULTS.md (the other sections are kept)."""

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([
        f"## Extraction on real pages — {stamp}",
        "",
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end (the machine "
        "is shared: ratios hold better than absolute figures).",
        "",
        f"`bench/quality_realworld.py --repeats {repeats}`: the real pages of "
        "`corpus/realworld/`, ours (`extract_page`, everything a page gives) beside htmldate and "
        "trafilatura, the sides taking turns page by page; times are median (min–max) over "
        f"{repeats} passes. Target: ours at most 1.5× trafilatura's time per page.",
        "",
        "```", *lines, "```",
    ])
    replace_section(ROOT / "bench" / "RESULTS.md", "extraction", body, "Benchmarks")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every page we get wrong")
    parser.add_argument("--only", choices=("dates", "text"))
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--set", choices=("realworld", "html"), default=None)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over each set")
    parser.add_argument("--no-results", action="store_true",
                        help="print only, leave bench/RESULTS.md")
    args = parser.parse_args(argv)
    corpus = corpus_dir()
    if not (corpus / "realworld").exists():
        print(f"corpus not found at {corpus} (set CRPV_CORPUS): nothing measured")
        return 0
    dated_html, texts_html = html_pages(corpus)
    realworld: list[str] = []
    if args.only != "text":
        if args.set != "html":
            realworld += run_dates("realworld", realworld_pages(corpus, "dates", args.limit),
                                   args.misses, args.repeats)
        if args.set != "realworld":
            run_dates("html", dated_html[:args.limit], args.misses, args.repeats)
    if args.only != "dates":
        if args.set != "html":
            realworld += run_text("realworld", realworld_pages(corpus, "text", args.limit),
                                  args.misses, args.repeats)
        if args.set != "realworld":
            run_text("html", texts_html[:args.limit], args.misses, args.repeats)
    if not args.no_results and realworld and args.limit is None:
        write_results(realworld, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
