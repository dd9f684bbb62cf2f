"""Compare a harvested database with a ground truth: recall per centre and kind, wrong
kinds, duplicates, the exact values of titles, publication days, dates and event sessions,
how far the themes given agree with the themes a reader gave, and how the cross-centre
clusters agree with the truth's relay groups (pairwise precision and recall)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from normalize.urls import canonicalize_url


@dataclass
class CentreScore:
    centre_id: str
    expected: Counter = field(default_factory=Counter)  # kind -> truth items
    found: Counter = field(default_factory=Counter)  # kind -> found with the right kind
    missing: list[str] = field(default_factory=list)
    wrong_kind: list[tuple[str, str, str]] = field(default_factory=list)  # path, truth, harvested
    duplicates: list[str] = field(default_factory=list)  # truth paths behind several rows
    wrong_title: list[tuple[str, str, str]] = field(default_factory=list)
    wrong_events: list[tuple[str, list, list]] = field(default_factory=list)
    wrong_pages: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    # path, the truth's local publication datetime, the harvested published_at
    wrong_published: list[tuple[str, str, str | None]] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # harvested items absent from the truth
    themes: Counter = field(default_factory=Counter)  # "expected", "given", "agreed" theme counts

    @property
    def recall(self) -> float:
        total = sum(self.expected.values())
        return sum(self.found.values()) / total if total else 1.0


def load_rows(db, centre_id: str) -> tuple[dict, dict]:
    """(items by url, item id by alias url) for one centre."""
    items = {row["url"]: row for row in db.query("select * from items where centre_id = ?", [centre_id])}
    aliases = {row["url"]: row["item_id"] for row in db.query(
        "select u.url, u.item_id from item_urls u join items i on i.id = u.item_id where i.centre_id = ?",
        [centre_id])}
    return items, aliases


def published_agrees(truth: dict, harvested: str | None) -> bool:
    """The harvested publication gives the item's local day (`published`) and, when it
    carries a time, the same instant as the truth's local datetime (`published_at`)."""
    if not harvested or harvested[:10] != truth["published"]:
        return False
    if len(harvested) <= 10 or not truth.get("published_at"):
        return True
    try:
        got, want = datetime.fromisoformat(harvested), datetime.fromisoformat(truth["published_at"])
    except ValueError:
        return False
    if got.tzinfo is None:  # a wall-clock time without offset: compare it as local time
        return got == want.replace(tzinfo=None)
    return got == want


def score_centre(db, centre_id: str, origin: str, truth_items: list[dict]) -> CentreScore:
    score = CentreScore(centre_id)
    items, aliases = load_rows(db, centre_id)
    by_id = {row["id"]: row for row in items.values()}
    matched_ids: set[str] = set()
    for truth in truth_items:
        kind = truth["kind"]
        score.expected[kind] += 1
        urls = [canonicalize_url(origin + truth["path"])] + [
            canonicalize_url(origin + alias) for alias in truth.get("aliases") or []]
        ids = set()
        for url in urls:
            if url in items:
                ids.add(items[url]["id"])
            elif url in aliases:
                ids.add(aliases[url])
        if not ids:
            score.missing.append(truth["path"])
            continue
        if len(ids) > 1:
            score.duplicates.append(truth["path"])
        row = by_id.get(sorted(ids)[0])
        if row is None:
            score.missing.append(truth["path"])
            continue
        matched_ids |= ids
        if row["kind"] != kind:
            score.wrong_kind.append((truth["path"], kind, row["kind"]))
            continue
        score.found[kind] += 1
        if truth.get("title") and row["title"] != truth["title"]:
            score.wrong_title.append((truth["path"], truth["title"], row["title"]))
        if truth.get("published") and not published_agrees(truth, row["published_at"]):
            score.wrong_published.append((truth["path"], truth.get("published_at") or truth["published"],
                                          row["published_at"]))
        if kind == "event" and truth.get("events"):
            got = sorted(
                (e["starts_at"], e["ends_at"], bool(e["all_day"]))
                for e in db.query("select * from events where item_id = ?", [row["id"]]))
            want = sorted((e["starts_at"], e.get("ends_at"), bool(e.get("all_day"))) for e in truth["events"])
            if got != want:
                score.wrong_events.append((truth["path"], want, got))
        if "themes" in truth:
            given = {r["theme_id"] for r in db.query(
                "select theme_id from item_themes where item_id = ?", [row["id"]])}
            score.themes.update(expected=len(truth["themes"]), given=len(given),
                                agreed=len(given & set(truth["themes"])))
        document = truth.get("document")
        if document and document.get("pages"):
            pages = [d["pages"] for d in db.query("select pages from documents where item_id = ?", [row["id"]])]
            if document["pages"] not in pages:
                score.wrong_pages.append((truth["path"], document["pages"], pages[0] if pages else None))
    score.extra = sorted(row["url"] for row in items.values() if row["id"] not in matched_ids)
    return score


def summarize(scores: list[CentreScore]) -> dict:
    """Recall per kind over all centres, and the counts of every kind of mistake."""
    expected, found = Counter(), Counter()
    for s in scores:
        expected.update(s.expected)
        found.update(s.found)
    out = {f"recall_{kind}": (found[kind] / expected[kind] if expected[kind] else 1.0)
           for kind in ("news", "event", "document")}
    out["expected"] = dict(expected)
    out["found"] = dict(found)
    themes = sum((s.themes for s in scores), Counter())
    out["themes_recall"] = themes["agreed"] / themes["expected"] if themes["expected"] else 1.0
    out["themes_precision"] = themes["agreed"] / themes["given"] if themes["given"] else 1.0
    out["themes"] = dict(themes)
    for name in ("missing", "wrong_kind", "duplicates", "wrong_title", "wrong_published", "wrong_events",
                 "wrong_pages", "extra"):
        out[name] = sum(len(getattr(s, name)) for s in scores)
    return out


def format_table(scores: list[CentreScore]) -> str:
    lines = [f"{'centre':24} {'news':>9} {'event':>9} {'document':>9} {'recall':>7} {'dup':>4} {'kind':>4} {'title':>5} {'publ':>5} {'dates':>5} {'extra':>5}"]
    for s in scores:
        cells = [f"{s.found[k]}/{s.expected[k]}" for k in ("news", "event", "document")]
        lines.append(
            f"{s.centre_id:24} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9} {s.recall:7.1%} "
            f"{len(s.duplicates):4} {len(s.wrong_kind):4} {len(s.wrong_title):5} {len(s.wrong_published):5} "
            f"{len(s.wrong_events):5} {len(s.extra):5}"
        )
    return "\n".join(lines)


def group_by_centre(truth: dict) -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    for centre_id, part in truth["centres"].items():
        grouped[centre_id].extend(part["items"])
    return grouped


def score_relay_groups(db, truth: dict, origins: dict[str, str]) -> dict:
    """Pairwise agreement of the harvested clusters (`items.cluster_id`) with the truth's
    relay groups, over the truth's items: precision = pairs put together rightly / pairs
    put together, recall = pairs put together rightly / pairs of the truth."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    clusters: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for centre_id, part in truth["centres"].items():
        items, aliases = load_rows(db, centre_id)
        by_id = {row["id"]: row for row in items.values()}
        for entry in part["items"]:
            key = (centre_id, entry["path"])
            if entry.get("relay_group"):
                groups[entry["relay_group"]].append(key)
            url = canonicalize_url(origins[centre_id] + entry["path"])
            row = items.get(url) or by_id.get(aliases.get(url))
            if row is not None and row["cluster_id"]:
                clusters[row["cluster_id"]].append(key)
    truth_pairs = {frozenset(p) for members in groups.values() for p in combinations(members, 2)}
    found_pairs = {frozenset(p) for members in clusters.values() for p in combinations(members, 2)}
    agreed = truth_pairs & found_pairs
    return {
        "groups": len(groups), "truth_pairs": len(truth_pairs), "found_pairs": len(found_pairs),
        "agreed": len(agreed),
        "precision": len(agreed) / len(found_pairs) if found_pairs else 1.0,
        "recall": len(agreed) / len(truth_pairs) if truth_pairs else 1.0,
        "missed": sorted(tuple(sorted(p)) for p in truth_pairs - found_pairs),
        "wrong": sorted(tuple(sorted(p)) for p in found_pairs - truth_pairs),
    }
