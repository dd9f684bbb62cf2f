"""Relays across centres: the grouping method (`normalize/relays.py`) beside the old SimHash
method (`normalize/dedup.py`: 64-bit fingerprints within 8 bits), in the same run.

1. Real pairs of the shared corpus (`tests/normalization/relay_pairs.json`): the same page
   captured twice, and hard pairs of different stories on one subject (same event, same day,
   same politician). Precision and recall of "same".
2. Edited relays of the French pages of the corpus: each real article relayed with an intro
   and a new title, cut to its first half, or both, as centres relay each other; every other
   French page of the corpus is a different story. Precision and recall of "same".
3. Speed: `pipelines.relays.update_relays` on synthetic databases (`bench/scale.py`): a full
   rebuild, then a run where 1 % of the items changed (what a nightly harvest brings). The
   rebuilt groups are scored against the relays the generator made (pairs in one group): a
   check that speed was not bought with recall, on texts written by the project itself. Its
   precision is not the method's: bodies are 3 to 6 sentences drawn from one bank (the demo's
   harvest), so many texts of one season repeat most of another's by chance, and those
   near-duplicates, which the generator did not mean as relays, count as wrong (0.26 at 20k
   and 0.08 at 200k with the demo of 2026-12-05); the method's precision is measured on the
   real pairs above.

    .venv/bin/python bench/quality_relays.py [--scale DB ...] [--build 20k,200k] [--no-results]

The speed figures of each size are written to its `relays:<size>` section of `bench/RESULTS.md`.

Pages are read as the harvester reads them (`extract_page`: title and main text).
"""

from __future__ import annotations

import argparse
import itertools
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from normalize.dedup import MAX_DISTANCE, fingerprint, hamming  # noqa: E402
from normalize.html import decode_html  # noqa: E402
from normalize.page import extract_page  # noqa: E402
from normalize.relays import RelayItem, related, shingles, signature  # noqa: E402

PAIRS = ROOT / "tests" / "normalization" / "relay_pairs.json"


def corpus_dir() -> Path:
    return Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))


class Text:
    """One text as both methods see it."""

    def __init__(self, name: str, centre: str, title: str, body: str):
        self.name, self.title, self.body = name, title, body
        self.shingles = shingles(title, body)
        self.item = RelayItem(name, centre, signature=signature(self.shingles))
        self.fingerprint = fingerprint(title, body)


def ours(a: Text, b: Text) -> bool:
    return related(a.item, b.item, lambda item: a.shingles if item is a.item else b.shingles)


def simhash(a: Text, b: Text) -> bool:
    return a.fingerprint != "0" * 16 and b.fingerprint != "0" * 16 and \
        hamming(a.fingerprint, b.fingerprint) <= MAX_DISTANCE


def score(pairs: list[tuple[Text, Text, bool]], method) -> dict:
    tp = fp = fn = 0
    for a, b, same in pairs:
        said = method(a, b)
        tp += said and same
        fp += said and not same
        fn += same and not said
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "tp": tp, "fp": fp, "fn": fn, "same": tp + fn, "different": len(pairs) - tp - fn}


def read_page(corpus: Path, entry: dict) -> Text:
    raw = (corpus / entry["file"]).read_bytes()
    if entry["file"].endswith(".xz"):
        raw = lzma.decompress(raw)
    facts = extract_page(decode_html(raw), entry["url"])
    return facts.title or "", facts.body_text or ""


def real_pairs(corpus: Path) -> list[tuple[Text, Text, bool]]:
    table = json.loads(PAIRS.read_text(encoding="utf-8"))
    pairs = []
    for n, pair in enumerate(table["pairs"]):
        a = Text(f"{n}a", "a", *read_page(corpus, pair["a"]))
        b = Text(f"{n}b", "b", *read_page(corpus, pair["b"]))
        pairs.append((a, b, pair["kind"] == "same"))
    return pairs


def relay_variants(title: str, body: str, source: str) -> dict[str, tuple[str, str]]:
    """How centres relay an article: an intro and a new title, the first half, or both."""
    half = " ".join(body.split()[: max(40, len(body.split()) // 2)])
    intro = f"Nous relayons cet article publié par {source}. À lire ci-dessous."
    return {"intro+title": (f"[Relais] {title}", f"{intro}\n\n{body}"),
            "first half": (title, half + " Lire la suite sur le site d'origine."),
            "intro+title+half": (f"À lire : {title.split(':')[-1].strip()}", f"{intro}\n\n{half}")}


def edited_pairs(corpus: Path) -> list[tuple[Text, Text, bool]]:
    gold = json.loads((corpus / "html" / "gold.json").read_text(encoding="utf-8"))
    originals = []
    for page in gold["pages"]:
        if page.get("lang") != "fr":
            continue
        facts = extract_page(decode_html((corpus / "html" / page["stored_as"]).read_bytes()), page["url"])
        if len((facts.body_text or "").split()) >= 120:
            originals.append((page["stored_as"], facts.title or "", facts.body_text))
    texts = [Text(name, f"site{i}", title, body) for i, (name, title, body) in enumerate(originals)]
    pairs = [(a, b, False) for a, b in itertools.combinations(texts, 2)]
    for original, (name, title, body) in zip(texts, originals):
        for kind, (rtitle, rbody) in relay_variants(title, body, "un autre centre").items():
            pairs.append((original, Text(f"{name}/{kind}", "relay", rtitle, rbody), True))
    return pairs


def print_quality(label: str, pairs) -> None:
    mine, old = score(pairs, ours), score(pairs, simhash)
    print(f"[{label}] {mine['same']} same pairs, {mine['different']} different pairs")
    for name, s in (("ours (MinHash + exact shingles)", mine), ("old SimHash (8 bits)", old)):
        print(f"  {name:34} precision {s['precision']:.3f}  recall {s['recall']:.3f}"
              f"  (grouped wrongly {s['fp']}, missed {s['fn']})")


def build_scale(size: str, folder: Path) -> Path:
    """The synthetic database of `size` items, built once (where `make bench-scale` puts it)."""
    out = folder / size.lower() / "scale.db"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), "--items", size,
                        "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def _same_group_pairs(db) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for ident, group in db.execute("select id, cluster_id from items where cluster_id is not null "
                                   "and status = 'active'"):
        groups.setdefault(group, []).append(ident)
    return {pair for members in groups.values() for pair in itertools.combinations(sorted(members), 2)}


def time_relays(path: Path) -> dict:
    """A full rebuild, then a run after 1 % of the items changed, on a copy of `path`."""
    import sqlite_utils

    from pipelines.relays import update_relays
    from pipelines.schema import ensure_schema

    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        db = sqlite_utils.Database(copy)
        ensure_schema(db)
        items = db.execute("select count(*) from items where status = 'active'").fetchone()[0]
        made = _same_group_pairs(db)  # the relays bench/scale.py made, before the rebuild
        started, cpu = time.perf_counter(), time.process_time()
        full = update_relays(db, rebuild=True)
        rebuild, rebuild_cpu = time.perf_counter() - started, time.process_time() - cpu
        found = _same_group_pairs(db)
        agreed = len(made & found)
        db.execute("update items set content_hash = 'changed-' || id, body_text = body_text || ' (mis à jour)' "
                   "where status = 'active' and abs(random()) % 100 = 0")
        db.conn.commit()
        started, cpu = time.perf_counter(), time.process_time()
        again = update_relays(db)
        incremental, incremental_cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU seconds beside wall seconds: on a shared machine the CPU figure is the stable one.
        print(f"  {path.name}: {items:,} items; rebuild {rebuild:.1f} s, {rebuild_cpu:.1f} s CPU "
              f"({1e6 * rebuild_cpu / max(items, 1):.0f} µs CPU/item, {full.groups:,} groups; "
              f"pairs of the generator's relays: precision {agreed / max(1, len(found)):.3f}, "
              f"recall {agreed / max(1, len(made)):.3f}); "
              f"1 % changed: {again.read:,} read in {incremental:.1f} s, {incremental_cpu:.1f} s CPU; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        db.close()
    return {"items": items, "rebuild": rebuild, "rebuild_cpu": rebuild_cpu, "groups": full.groups,
            "precision": agreed / max(1, len(found)), "recall": agreed / max(1, len(made)),
            "read": again.read, "incremental": incremental, "incremental_cpu": incremental_cpu,
            "load": os.getloadavg()[0]}


def write_results(label: str, figures: dict) -> None:
    """The section `relays:<label>` of bench/RESULTS.md (the other sizes' sections are kept)."""
    from servers import machine, replace_section

    f = figures
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    body = (
        f"## Relay clustering at {label} — {stamp}\n\n"
        f"Machine: {machine()}; load average {f['load']:.1f} at the end.\n\n"
        f"`bench/quality_relays.py` on a `bench/scale.py` database of {f['items']:,} items, one run: "
        "`update_relays` rebuilding every group (the baseline), then the run a nightly harvest "
        "makes after 1 % of the items changed, on the same copy.\n\n"
        "| step | items read | wall s | CPU s | µs CPU per item | of the rebuild (CPU) |\n"
        "|---|---|---|---|---|---|\n"
        f"| full rebuild | {f['items']:,} | {f['rebuild']:.1f} | {f['rebuild_cpu']:.1f} | "
        f"{1e6 * f['rebuild_cpu'] / max(f['items'], 1):.0f} | 1 |\n"
        f"| 1 % changed | {f['read']:,} | {f['incremental']:.1f} | {f['incremental_cpu']:.1f} | "
        f"{1e6 * f['incremental_cpu'] / max(f['read'], 1):.0f} | "
        f"{f['incremental_cpu'] / max(f['rebuild_cpu'], 1e-9):.3f} |\n\n"
        f"{f['groups']:,} groups after the rebuild; pairs of the generator's relays: precision "
        f"{f['precision']:.3f}, recall {f['recall']:.3f} (the generator's chance near-duplicates "
        "count as wrong: see the script's docstring; the method's precision is on real pairs).")
    replace_section(ROOT / "bench" / "RESULTS.md", f"relays:{label}", body, "Benchmarks")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", nargs="*", type=Path, default=[], help="synthetic databases to time")
    parser.add_argument("--build", default="20k", help="sizes to build with bench/scale.py when "
                                                       "no --scale is given (e.g. 20k,200k,1m)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "crpv-bench")
    parser.add_argument("--no-results", action="store_true", help="print only, leave bench/RESULTS.md")
    args = parser.parse_args(argv)
    corpus = corpus_dir()
    if (corpus / "realworld").exists() and PAIRS.exists():
        print_quality("real pairs of the corpus", real_pairs(corpus))
        print_quality("French pages relayed with edits", edited_pairs(corpus))
    else:
        print(f"corpus not found at {corpus} (set CRPV_CORPUS): quality not measured")
    paths = args.scale
    if not paths and args.build:
        args.workdir.mkdir(parents=True, exist_ok=True)
        paths = [build_scale(size.strip(), args.workdir) for size in args.build.split(",") if size.strip()]
    if paths:
        print("[speed] update_relays")
        for path in paths:
            figures = time_relays(path)
            if not args.no_results:
                write_results(path.parent.name if path.name == "scale.db" else path.stem, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
