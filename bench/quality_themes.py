"""Quality figures for themes and near-duplicate clustering.

Prints:
1. theme precision / recall on the labelled table of tests/normalization/test_themes.py;
2. SimHash distances on the French pages of the shared corpus: different articles vs the
   same article with another site's chrome, a relay intro, a new title or a cut ending,
   and the share of each variant that `cluster()` joins at the chosen threshold;
3. the time of `cluster()` on 50,000 synthetic items.

Run: .venv/bin/python bench/quality_themes.py   (CRPV_CORPUS overrides the corpus path)
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalize.dedup import MAX_DISTANCE, ClusterInput, cluster, fingerprint, hamming  # noqa: E402
from normalize.themes import classify, load_vocabulary  # noqa: E402

CORPUS = Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))


def _labelled_table() -> list:
    spec = importlib.util.spec_from_file_location(
        "labelled_themes", ROOT / "tests" / "normalization" / "test_themes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LABELLED


def theme_quality() -> None:
    vocabulary = load_vocabulary()
    table = _labelled_table()
    true_pos = false_pos = false_neg = exact = 0
    for title, summary, expected in table:
        got = {m.theme_id for m in classify(vocabulary, title, summary)}
        true_pos += len(got & expected)
        false_pos += len(got - expected)
        false_neg += len(expected - got)
        exact += got == expected
    precision = true_pos / max(1, true_pos + false_pos)
    recall = true_pos / max(1, true_pos + false_neg)
    print(f"themes: {len(table)} labelled items, precision {precision:.2f}, recall {recall:.2f}, "
          f"exact sets {exact}/{len(table)} (table used to tune the vocabulary)")


def _french_articles() -> list[tuple[str, str, str]]:
    """(title, main text, whole-page text) of the French corpus pages with 80+ words."""
    import trafilatura

    gold_path = CORPUS / "html" / "gold.json"
    if not gold_path.exists():
        return []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    articles = []
    for page in gold["pages"]:
        if page.get("lang") != "fr":
            continue
        html = (CORPUS / "html" / page["stored_as"]).read_text(encoding="utf-8", errors="replace")
        main = trafilatura.extract(html, favor_precision=True) or ""
        meta = trafilatura.extract_metadata(html)
        if len(main.split()) >= 80:
            articles.append(((meta.title if meta else "") or "", main, trafilatura.html2txt(html) or ""))
    return articles


def _chrome_words(main: str, page: str) -> list[str]:
    """Words of a page outside its main text (menus, footers...), in 8-word chunks."""
    main_words = set(main.split())
    words = page.split()
    chrome: list[str] = []
    for i in range(0, len(words), 8):
        chunk = words[i : i + 8]
        if sum(w in main_words for w in chunk) < 4:
            chrome += chunk
    return chrome


def _stats(values: list[int]) -> str:
    values = sorted(values)
    joined = sum(v <= MAX_DISTANCE for v in values)
    return (f"median {values[len(values) // 2]:2d}, p90 {values[int(len(values) * 0.9)]:2d}, "
            f"max {values[-1]:2d}; within threshold {joined}/{len(values)}")


def clustering_quality() -> None:
    articles = _french_articles()
    if not articles:
        print("clustering: corpus not found, skipped")
        return
    prints = [fingerprint(t, m) for t, m, _ in articles]
    different = sorted(
        hamming(prints[i], prints[j]) for i in range(len(prints)) for j in range(i + 1, len(prints))
    )
    wrongly_joined = sum(d <= MAX_DISTANCE for d in different)
    print(f"clustering: threshold {MAX_DISTANCE} bits; {len(articles)} French corpus articles")
    print(f"  different articles ({len(different)} pairs): min {different[0]}, "
          f"p1 {different[len(different) // 100]}, median {different[len(different) // 2]}; "
          f"wrongly within threshold {wrongly_joined}/{len(different)}")
    variants: dict[str, list[int]] = {
        "+10% other site's chrome": [], "+20% other site's chrome": [],
        "relay intro+footer+title": [], "new title": [], "cut to 70%": [],
    }
    for k, (title, main, _) in enumerate(articles):
        words = main.split()
        other = articles[(k + 7) % len(articles)]
        chrome = _chrome_words(other[1], other[2])
        for share, name in ((0.1, "+10% other site's chrome"), (0.2, "+20% other site's chrome")):
            extra = chrome[: int(share * len(words))]
            half = len(extra) // 2
            text = " ".join(extra[:half] + words + extra[half:])
            variants[name].append(hamming(prints[k], fingerprint(title, text)))
        relay = ("Nous relayons ci-dessous l'article publié par nos collègues du centre de "
                 f"ressources. {main}\nSource : site du centre. Partager sur Facebook, Twitter, "
                 "LinkedIn. Imprimer cette page.")
        variants["relay intro+footer+title"].append(hamming(prints[k], fingerprint("Relais : " + title, relay)))
        variants["new title"].append(hamming(prints[k], fingerprint("Un autre titre pour cet article", main)))
        cut = " ".join(words[: int(len(words) * 0.7)]) + " Lire la suite sur le site du centre"
        variants["cut to 70%"].append(hamming(prints[k], fingerprint(title, cut)))
    for name, values in variants.items():
        print(f"  same article, {name:26s}: {_stats(values)}")


def cluster_timing(count: int = 50_000) -> None:
    rng = random.Random(42)
    items = [
        ClusterInput(f"{i:016x}", f"centre{i % 20}", f"{rng.getrandbits(64):016x}", "",
                     f"{2020 + rng.randrange(6)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}")
        for i in range(count)
    ]
    # 500 planted relays: a copy of an item at another centre with 0–MAX_DISTANCE bits flipped.
    for n in range(500):
        source = items[n * 97]
        value = int(source.fingerprint, 16)
        for bit in rng.sample(range(64), rng.randrange(MAX_DISTANCE + 1)):
            value ^= 1 << bit
        items.append(ClusterInput(f"relay{n:011d}", "relay_centre", f"{value:016x}", "", source.published))
    start = time.perf_counter()
    result = cluster(items)
    elapsed = time.perf_counter() - start
    found = sum(1 for n in range(500) if f"relay{n:011d}" in result)
    print(f"cluster(): {len(items)} synthetic items in {elapsed:.2f} s; "
          f"{found}/500 planted relays found, {len(result)} items clustered")


if __name__ == "__main__":
    theme_quality()
    clustering_quality()
    cluster_timing()
