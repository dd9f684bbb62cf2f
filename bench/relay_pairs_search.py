"""Candidate search behind `tests/normalization/relay_pairs.json`: which real pages of the shared
corpus carry the same text, and which are different stories on one subject.

Every page of `html/pages/` (listed in `html/gold.json`) and `realworld/pages/` (listed in
`realworld/dates.json` and `realworld/text.json`) goes through `trafilatura.extract(html,
url=url)` (trafilatura's own decoding of the stored bytes, its default call). The text is
folded (Unicode NFKC, lower case, accents removed, every run of letters/digits is a word)
and cut into word 3-gram shingles. For each pair of pages with at least `MIN_SHINGLES`
shingles each:

- jaccard = |A & B| / |A | B|
- containment = |A & B| / min(|A|, |B|)  (the shorter text inside the longer one: a dispatch
  shortened or wrapped in another site's chrome still scores high)

`--mode same` (default) prints the pairs whose containment or Jaccard reaches the thresholds:
the candidates that were then read one by one to label "same". `--mode different` prints the
pairs with the highest word-level TF-IDF cosine (content words of 4+ letters, no shingle
test): the hard "different" candidates (same subject, same vocabulary), also read one by one.
`--mode raw` looks for relays that main-text extraction would hide: whole page text
(`trafilatura.html2txt`), word 5-gram shingles, shingles found in more than `RAW_MAX_DF`
pages dropped as chrome, cross-host pairs ranked by the rare shingles they share.
`--pair A B` prints the scores of two files (corpus-relative paths) and the start of each text.

    .venv/bin/python bench/relay_pairs_search.py [--mode same|different|raw] [--containment 0.2]
        [--jaccard 0.1] [--top 200] [--min-shared 15] [--lang fr] [--cache FILE] [--pair A B]

The labels in relay_pairs.json were set by reading the texts; this script only finds and
scores candidates.

The corpus is found at $CRPV_CORPUS, else ../shared/corpus next to the project; when it is
absent the script says so and exits 0. Extraction of the ~740 pages takes a minute or two;
`--cache FILE` keeps the extracted texts in a JSON file for the next run.
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
import os
import re
import sys
import unicodedata
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHINGLE = 3  # words per shingle
MIN_SHINGLES = 20  # shorter texts are not compared (cookie walls, empty extractions)
RAW_SHINGLE = 5  # --mode raw: words per shingle of the whole page text
RAW_MAX_DF = 3  # --mode raw: a shingle in more pages than this is site or network chrome
WORD_RE = re.compile(r"\w+")


def corpus_dir() -> Path:
    return Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))


def fold(text: str) -> str:
    """NFKC, lower case, accents removed."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD_RE.findall(fold(text))


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    w = words(text)
    return frozenset(" ".join(w[i:i + size]) for i in range(len(w) - size + 1))


def scores(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    """(jaccard, containment) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b)
    return inter / len(a | b), inter / min(len(a), len(b))


def list_pages(corpus: Path) -> list[dict]:
    """[{file (corpus-relative), url, lang}] for html/ and realworld/."""
    pages = []
    gold = json.loads((corpus / "html" / "gold.json").read_text(encoding="utf-8"))
    for page in gold["pages"]:
        pages.append({"file": f"html/{page['stored_as']}", "url": page["url"], "lang": page.get("lang")})
        if page.get("htmldate_copy_stored_as"):
            pages.append({"file": f"html/{page['htmldate_copy_stored_as']}", "url": page["url"],
                          "lang": page.get("lang")})
    seen = set()
    for name in ("dates", "text"):
        data = json.loads((corpus / "realworld" / f"{name}.json").read_text(encoding="utf-8"))
        for page in data["pages"]:
            if page["file"] in seen:
                continue
            seen.add(page["file"])
            pages.append({"file": f"realworld/pages/{page['file']}", "url": page["url"],
                          "lang": page.get("lang")})
    return pages


def read_bytes(corpus: Path, file: str) -> bytes:
    raw = (corpus / file).read_bytes()
    return lzma.decompress(raw) if file.endswith(".xz") else raw


def extract_texts(corpus: Path, pages: list[dict], cache: Path | None) -> dict[str, str]:
    import trafilatura

    texts: dict[str, str] = {}
    if cache and cache.exists():
        texts = json.loads(cache.read_text(encoding="utf-8"))
    missing = [p for p in pages if p["file"] not in texts]
    for n, page in enumerate(missing, 1):
        try:
            text = trafilatura.extract(read_bytes(corpus, page["file"]), url=page["url"])
        except Exception as exc:  # one bad page must not stop the search
            print(f"  {page['file']}: extraction failed ({exc})", file=sys.stderr)
            text = None
        texts[page["file"]] = text or ""
        if n % 100 == 0:
            print(f"  extracted {n}/{len(missing)}", file=sys.stderr)
    if cache and missing:
        cache.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return texts


def host(url: str) -> str:
    from urllib.parse import urlsplit

    h = urlsplit(url).hostname or ""
    return h[4:] if h.startswith("www.") else h


def tfidf_vectors(texts: dict[str, str]) -> dict[str, dict[str, float]]:
    """Unit TF-IDF vectors over folded content words of 4+ letters."""
    bags = {f: Counter(w for w in words(t) if len(w) >= 4 and not w.isdigit()) for f, t in texts.items()}
    df = Counter(w for bag in bags.values() for w in bag)
    n = len(bags)
    vectors = {}
    for f, bag in bags.items():
        vec = {w: (1 + math.log(c)) * math.log(n / df[w]) for w, c in bag.items() if df[w] < n}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors[f] = {w: v / norm for w, v in vec.items()}
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def raw_search(corpus: Path, pages: list[dict], meta: dict[str, dict], args) -> int:
    """Cross-host pairs sharing rare 5-word shingles of the whole page text (html2txt).

    Catches a relay that main-text extraction would hide (wrong block kept, cookie wall).
    Shingles found in more than RAW_MAX_DF pages are dropped as site or network chrome."""
    import trafilatura

    texts = {}
    for page in pages:
        try:
            texts[page["file"]] = trafilatura.html2txt(read_bytes(corpus, page["file"])) or ""
        except Exception:  # noqa: BLE001 - one bad page must not stop the search
            texts[page["file"]] = ""
    sets = {f: shingles(t, RAW_SHINGLE) for f, t in texts.items()}
    df = Counter(s for v in sets.values() for s in v)
    sets = {f: frozenset(s for s in v if df[s] <= RAW_MAX_DF) for f, v in sets.items()}
    found = []
    for a, b in combinations(sorted(sets), 2):
        if host(meta[a]["url"]) == host(meta[b]["url"]):
            continue
        shared = sets[a] & sets[b]
        if len(shared) >= args.min_shared:
            found.append((len(shared), a, b, shared))
    found.sort(key=lambda x: -x[0])
    print(f"{len(found)} cross-host pairs sharing >= {args.min_shared} rare {RAW_SHINGLE}-word shingles "
          f"(whole page text, shingles in more than {RAW_MAX_DF} pages dropped)")
    for n, a, b, shared in found[: args.top]:
        sample = " | ".join(sorted(shared)[:3])
        print(f"shared={n} of {len(sets[a])}/{len(sets[b])}\n  {a}  {meta[a]['url']}\n  {b}  {meta[b]['url']}"
              f"\n  e.g. {sample}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=("same", "different", "raw"), default="same")
    ap.add_argument("--containment", type=float, default=0.2)
    ap.add_argument("--jaccard", type=float, default=0.1)
    ap.add_argument("--top", type=int, default=200, help="pairs printed in --mode different and raw")
    ap.add_argument("--min-shared", type=int, default=15, help="--mode raw: rare shingles two pages must share")
    ap.add_argument("--lang", help="only pairs where at least one page has this language")
    ap.add_argument("--cache", type=Path, help="JSON file keeping the extracted texts")
    ap.add_argument("--pair", nargs=2, metavar=("A", "B"), help="scores of two corpus-relative files")
    args = ap.parse_args(argv)

    corpus = corpus_dir()
    if not (corpus / "html" / "gold.json").exists() or not (corpus / "realworld" / "dates.json").exists():
        print(f"relay_pairs_search: shared corpus not found at {corpus} (set CRPV_CORPUS); skipped")
        return 0

    pages = list_pages(corpus)
    if args.mode == "raw" and not args.pair:
        return raw_search(corpus, pages, {p["file"]: p for p in pages}, args)
    if args.pair:
        pages = [p for p in pages if p["file"] in args.pair]
    texts = extract_texts(corpus, pages, args.cache)
    meta = {p["file"]: p for p in pages}
    sh = {f: shingles(t) for f, t in texts.items() if f in meta}

    if args.pair:
        a, b = args.pair
        j, c = scores(sh[a], sh[b])
        print(f"jaccard {j:.3f}  containment {c:.3f}  shingles {len(sh[a])} / {len(sh[b])}")
        for f in (a, b):
            print(f"\n== {f}  {meta[f]['url']}\n{texts[f][:1500]}")
        return 0

    files = sorted(f for f, s in sh.items() if len(s) >= MIN_SHINGLES)
    print(f"{len(pages)} pages, {len(files)} with >= {MIN_SHINGLES} shingles of {SHINGLE} words")

    def wanted(a: str, b: str) -> bool:
        return not args.lang or args.lang in (meta[a]["lang"], meta[b]["lang"])

    if args.mode == "same":
        found = []
        for a, b in combinations(files, 2):
            if not wanted(a, b):
                continue
            j, c = scores(sh[a], sh[b])
            if c >= args.containment or j >= args.jaccard:
                found.append((c, j, a, b))
        found.sort(reverse=True)
        print(f"{len(found)} pairs with containment >= {args.containment} or jaccard >= {args.jaccard}")
        for c, j, a, b in found:
            same_host = " same-host" if host(meta[a]["url"]) == host(meta[b]["url"]) else ""
            print(f"C={c:.3f} J={j:.3f}{same_host}\n  {a}  {meta[a]['url']}\n  {b}  {meta[b]['url']}")
        return 0

    vectors = tfidf_vectors({f: texts[f] for f in files})
    ranked = []
    for a, b in combinations(files, 2):
        if not wanted(a, b):
            continue
        cos = cosine(vectors[a], vectors[b])
        if cos > 0.05:
            ranked.append((cos, a, b))
    ranked.sort(reverse=True)
    for cos, a, b in ranked[: args.top]:
        j, c = scores(sh[a], sh[b])
        print(f"cos={cos:.3f} C={c:.3f} J={j:.3f} [{meta[a]['lang']}/{meta[b]['lang']}]"
              f"\n  {a}  {meta[a]['url']}\n  {b}  {meta[b]['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
