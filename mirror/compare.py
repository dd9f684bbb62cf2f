"""Compare a harvested database with a ground truth: recall per centre and kind, wrong
kinds, duplicates, the exact values of titles, dates and event sessions, and how far the
themes given agree with the themes a reader gave."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

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
    for name in ("missing", "wrong_kind", "duplicates", "wrong_title", "wrong_events", "wrong_pages", "extra"):
        out[name] = sum(len(getattr(s, name)) for s in scores)
    return out


def format_table(scores: list[CentreScore]) -> str:
    lines = [f"{'centre':24} {'news':>9} {'event':>9} {'document':>9} {'recall':>7} {'dup':>4} {'kind':>4} {'title':>5} {'dates':>5} {'extra':>5}"]
    for s in scores:
        cells = [f"{s.found[k]}/{s.expected[k]}" for k in ("news", "event", "document")]
        lines.append(
            f"{s.centre_id:24} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9} {s.recall:7.1%} "
            f"{len(s.duplicates):4} {len(s.wrong_kind):4} {len(s.wrong_title):5} {len(s.wrong_events):5} {len(s.extra):5}"
        )
    return "\n".join(lines)


def group_by_centre(truth: dict) -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    for centre_id, part in truth["centres"].items():
        grouped[centre_id].extend(part["items"])
    return grouped
