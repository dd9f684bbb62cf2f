"""Synthetic portal databases at scale (20k, 200k, 1M items) with the product's own schema.

    .venv/bin/python bench/scale.py --items 1000000 --out /tmp/portal-helper/scale-1m.db
        [--source build/demo.db] [--seed 1] [--today YYYY-MM-DD]

The schema is the harvest's (`pipelines.schema.ensure_schema`: tables, indexes, FTS with its
triggers), and the database is post-processed like a real harvest (`pipelines.postprocess`:
theme vocabulary, relay groups, date of the last harvest). Nothing is cloned: the
text comes from a phrase bank read from a harvested database (the demo's, by default) —
titles are recombined from the prefixes and subjects of real titles plus a town, bodies from
3 to 6 sentences of items sharing the theme, PDFs from 4 to 9 — so every row differs and the
vocabulary, word frequencies and lengths stay those of the centres' sites.

What a harvest leaves is all there: 20 centres (the registry), news, events (past and
upcoming, timed and all-day, in the centre's time zone, 15% recurring with 2 to 8 sessions),
documents with their extracted text, 1 to 3 themes per item, relays of the same news by other
centres (clusters), gone items, URL aliases, versions, sources, fetch state, a year of harvest
runs and their errors. No `sqlite_stat1`: the harvest never runs ANALYZE (publication does).

Speed: `journal_mode=OFF, synchronous=OFF`, one transaction, batched `executemany`, indexes
and full-text indexes built once after the rows (the FTS triggers are set aside meanwhile and
put back), search stems computed once per sentence of the bank. Relay groups
(`items.cluster_id`) are those of the relays the generator made itself, written directly
(the smallest id of each group, as the pipeline names them): `pipelines.relays.update_relays`
reads and compares every item's text, which takes minutes on text recombined from one bank
of sentences — time it on these databases on its own (`bench/quality_relays.py` does).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import sqlite3
import sys
import time
from collections import defaultdict
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from crawlers.registry import load_registry  # noqa: E402
from normalize.dedup import item_id as stable_item_id  # noqa: E402
from normalize.search import _prepare, _stems, fold, glossary  # noqa: E402
from normalize.themes import load_vocabulary  # noqa: E402
from pipelines import postprocess  # noqa: E402
from pipelines.schema import ensure_schema  # noqa: E402

DEFAULT_SOURCE = ROOT / "build" / "demo.db"
SCALES = {"20k": 20_000, "200k": 200_000, "1m": 1_000_000}
BATCH = 5_000
KIND_SHARES = (("news", 0.55), ("event", 0.25), ("document", 0.20))
GONE_SHARE = 0.03
RELAY_SHARE = 0.02
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀÂÉÈÊÎÔÙÛÇ«0-9])")


class PhraseBank:
    """Titles, sentences, places and PDF text of a harvested database, grouped by theme."""

    def __init__(self, source: Path):
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        self.prefixes: dict[str, list[str]] = defaultdict(list)
        self.subjects: dict[str, list[str]] = defaultdict(list)
        self.sentences: dict[str, list[str]] = defaultdict(list)
        self.doc_sentences: list[str] = []
        themes_of: dict[str, list[str]] = defaultdict(list)
        for r in conn.execute("select item_id, theme_id from item_themes"):
            themes_of[r["item_id"]].append(r["theme_id"])
        seen_sentences: set[str] = set()
        for r in conn.execute("select id, kind, title, summary, body_text from items"):
            themes = themes_of.get(r["id"]) or ["_"]
            title = " ".join((r["title"] or "").split())
            prefix, sep, subject = title.partition(" : ")
            if sep and 2 <= len(prefix) <= 60:
                self.prefixes[r["kind"]].append(prefix)
            else:
                subject = title
            for theme in themes:
                if 10 <= len(subject) <= 140:
                    self.subjects[theme].append(subject)
            for paragraph in (r["body_text"] or "").split("\n"):
                for sentence in _SENTENCE_END.split(paragraph.strip()):
                    sentence = sentence.strip()
                    if 30 <= len(sentence) <= 320 and sentence not in seen_sentences:
                        seen_sentences.add(sentence)
                        for theme in themes:
                            self.sentences[theme].append(sentence)
        for r in conn.execute("select text from documents where text is not null"):
            for sentence in _SENTENCE_END.split(" ".join(r["text"].split())):
                if 30 <= len(sentence) <= 320:
                    self.doc_sentences.append(sentence)
        self.places = [tuple(r) for r in conn.execute(
            "select distinct location_name, address, postcode, city, departement, region "
            "from events where city is not null")]
        conn.close()
        if not self.sentences or not self.places:
            raise SystemExit(f"{source}: no harvested items to build a phrase bank from "
                             "(run a harvest first, e.g. the demo's)")
        everything = sorted({s for group in self.sentences.values() for s in group})
        self.sentences["_"] = self.sentences.get("_") or everything
        self.all_subjects = sorted({s for group in self.subjects.values() for s in group})
        self.doc_sentences = self.doc_sentences or everything
        for kind, default in (("news", "Actualité"), ("event", "Rencontre"), ("document", "Guide")):
            self.prefixes[kind] = sorted(set(self.prefixes[kind])) or [default]
        self.cities = sorted({p[3] for p in self.places})


class Stemmer:
    """`normalize.search.stem_text` of a text made of known parts, each part stemmed once."""

    def __init__(self):
        self.cache: dict[str, tuple[list[str], tuple[str, ...]]] = {}
        self.terms = glossary()

    def part(self, text: str) -> tuple[list[str], tuple[str, ...]]:
        found = self.cache.get(text)
        if found is None:
            prepared = _prepare(text)
            acronyms = tuple(self.terms.in_text.findall(prepared)) if self.terms.in_text else ()
            found = self.cache[text] = (_stems(prepared), acronyms)
        return found

    def text(self, parts: list[str]) -> str:
        stems: list[str] = []
        acronyms: set[str] = set()
        for piece in parts:
            s, a = self.part(piece)
            stems.extend(s)
            acronyms.update(a)
        for acronym in sorted(acronyms):
            stems.extend(self.terms.expansions[fold(acronym)][0])
        return " ".join(stems)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


class Generator:
    def __init__(self, n_items: int, bank: PhraseBank, seed: int, today: date):
        self.n = n_items
        self.bank = bank
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime.combine(today, dtime(6, 0), tzinfo=timezone.utc)
        self.registry = load_registry()
        self.centres = list(self.registry.centres)
        # Bigger centres publish more: weights from 1 to 4.
        self.centre_weights = [1 + (i * 7) % 4 for i in range(len(self.centres))]
        self.vocabulary = load_vocabulary()
        self.theme_ids = [t.id for t in self.vocabulary.themes]
        self.theme_labels = {t.id: t.label for t in self.vocabulary.themes}
        self.theme_weights = [max(1, len(bank.sentences.get(t, ()))) for t in self.theme_ids]
        self.stemmer = Stemmer()
        self.zones = {c.id: ZoneInfo(c.timezone) for c in self.centres}
        self.portal_start = self.today - timedelta(days=730)
        self.relays: list[tuple[str, str]] = []  # (original id, relay id)
        self.doc_shas: list[str] = []

    # -- text -------------------------------------------------------------------------
    def title(self, kind: str, theme: str) -> list[str]:
        rng = self.rng
        subjects = self.bank.subjects.get(theme) or self.bank.all_subjects
        parts = [rng.choice(subjects)]
        if rng.random() < 0.7:
            parts.insert(0, rng.choice(self.bank.prefixes[kind]) + " :")
        roll = rng.random()
        if roll < 0.3:
            parts.append("à " + rng.choice(self.bank.cities))
        elif roll < 0.4:
            parts.append(f"({rng.randint(self.today.year - 8, self.today.year + 1)})")
        return parts

    def sentences(self, theme: str, n: int) -> list[str]:
        bank = self.bank.sentences.get(theme) or self.bank.sentences["_"]
        other = self.bank.sentences["_"] if "_" in self.bank.sentences else bank
        return [self.rng.choice(bank if self.rng.random() < 0.8 else other) for _ in range(n)]

    # -- dates ------------------------------------------------------------------------
    def published(self, centre, day: date) -> str:
        if self.rng.random() < 0.4:
            return day.isoformat()
        hour, minute = self.rng.choice(((9, 30), (10, 15), (14, 0), (17, 45), (8, 0)))
        return datetime.combine(day, dtime(hour, minute), tzinfo=self.zones[centre.id]).isoformat()

    def seen(self, day: date) -> tuple[str, str]:
        """first_seen_at and last_seen_at (UTC) of an item published on `day`."""
        rng = self.rng
        if day < self.portal_start:  # the first full crawl found the back catalogue
            first = datetime.combine(self.portal_start, dtime(2, 30), tzinfo=timezone.utc) \
                + timedelta(minutes=rng.randint(0, 7 * 24 * 60))
        else:
            first = datetime.combine(day, dtime(8, 0), tzinfo=timezone.utc) \
                + timedelta(minutes=rng.randint(0, 3 * 24 * 60))
        first = min(first, self.now - timedelta(hours=1))
        last = max(first, self.now - timedelta(minutes=rng.randint(10, 36 * 60)))
        return _utc(first), _utc(last)

    # -- rows -------------------------------------------------------------------------
    def items(self):
        """Yield (item, events, documents, themes, urls, version) tuples, one per item."""
        rng = self.rng
        kinds = [k for k, _ in KIND_SHARES]
        kind_weights = [w for _, w in KIND_SHARES]
        recent: list[dict] = []  # a window of recent news other centres may relay
        for n in range(self.n):
            kind = rng.choices(kinds, kind_weights)[0]
            centre = rng.choices(self.centres, self.centre_weights)[0]
            relay_of = None
            if kind == "news" and recent and rng.random() < RELAY_SHARE:
                relay_of = rng.choice(recent)
                if relay_of["centre_id"] == centre.id:
                    relay_of = None
            yield self.item(n, kind, centre, relay_of)
            last = self._last
            if kind == "news" and not relay_of:
                recent.append(last)
                if len(recent) > 200:
                    recent.pop(0)

    def item(self, n: int, kind: str, centre, relay_of: dict | None):
        rng = self.rng
        themes = rng.sample(self.theme_ids, k=rng.choice((1, 1, 2, 2, 3)))
        if relay_of:
            themes = relay_of["_themes"]
        theme = themes[0]
        if kind == "event":
            start_day = self.today + timedelta(days=rng.randint(-1100, 300))
            day = min(start_day - timedelta(days=rng.randint(14, 60)), self.today)
        else:
            day = self.today - timedelta(days=int(rng.random() ** 1.3 * 8 * 365))
        if relay_of:
            title_parts = ["Relais :"] + relay_of["_title_parts"] if rng.random() < 0.5 \
                else relay_of["_title_parts"]
            body = relay_of["_body"]
            day = date.fromisoformat(relay_of["published_at"][:10]) + timedelta(days=rng.randint(0, 3))
            day = min(day, self.today)
        else:
            title_parts = self.title(kind, theme)
            body = [self.sentences(theme, rng.randint(1, 2)) for _ in range(rng.randint(2, 3))]
        title = " ".join(title_parts)
        slug = re.sub(r"[^a-z0-9]+", "-", fold(title))[:60].strip("-")
        section = {"news": "actualites", "event": "agenda", "document": "ressources"}[kind]
        url = f"{centre.url.rstrip('/')}/{section}/{slug}-{n}"
        ident = stable_item_id(centre.id, url)
        first_sentence = body[0][0]
        summary = first_sentence if len(first_sentence) <= 220 else first_sentence[:217] + "…"
        paragraphs = [" ".join(p) for p in body]
        body_text = "\n\n".join(paragraphs)
        body_html = "<div>" + "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs) + "</div>"
        stems = self.stemmer.text(title_parts + [first_sentence] + [s for p in body for s in p])
        first_seen, last_seen = self.seen(day)
        gone = rng.random() < GONE_SHARE
        fingerprint = relay_of["fingerprint"] if relay_of else f"{rng.getrandbits(64):016x}"
        if relay_of:
            value = int(fingerprint, 16) ^ (1 << rng.randrange(64))
            fingerprint = f"{value:016x}"
            self.relays.append((relay_of["id"], ident))
        labels = [self.theme_labels[t] for t in themes]
        item = {
            "id": ident, "centre_id": centre.id, "kind": kind, "url": url, "title": title,
            "summary": summary, "body_html": body_html, "body_text": body_text,
            "published_at": self.published(centre, day), "updated_at": None,
            "first_seen_at": first_seen, "last_seen_at": last_seen,
            "status": "gone" if gone else "active",
            "gone_since": last_seen if gone else None,
            "image_url": f"{centre.url.rstrip('/')}/images/{n}.jpg" if rng.random() < 0.3 else None,
            "language": "fr",
            "source_url": centre.url.rstrip("/") + rng.choice(("/feed/", "/sitemap.xml", "/agenda.ics", "/" + section)),
            "method": rng.choice(("feed", "feed", "html", "sitemap", "jsonld")),
            "fetched_at": last_seen,
            "content_hash": hashlib.sha256(f"{title}|{n}".encode()).hexdigest(),
            "fingerprint": fingerprint, "cluster_id": None,
            "themes": json.dumps(labels, ensure_ascii=False),
            "search_stems": stems,
        }
        self._last = {**item, "_themes": themes, "_title_parts": title_parts, "_body": body}
        events = self.events(ident, centre, start_day) if kind == "event" else []
        documents = self.documents(ident, centre, url, title, day, theme) if kind == "document" else []
        item_themes = [(ident, t, rng.choice(("keywords", "category")), float(rng.randint(2, 20)))
                       for t in themes]
        urls = [(url, ident, first_seen)]
        if rng.random() < 0.1:
            urls.append((f"{centre.url.rstrip('/')}/?p={n}", ident, first_seen))
        version = None
        if rng.random() < 0.03:
            version = (ident, last_seen, first_seen, json.dumps(["title"]),
                       json.dumps({"title": title + " (brouillon)"}, ensure_ascii=False),
                       hashlib.sha256(f"v{n}".encode()).hexdigest(), item["content_hash"])
        return item, events, documents, item_themes, urls, version

    def events(self, ident: str, centre, start_day: date) -> list[tuple]:
        rng = self.rng
        zone = self.zones[centre.id]
        sessions = 1 if rng.random() < 0.85 else rng.randint(2, 8)
        step = rng.choice((7, 14, 28))
        all_day = rng.random() < 0.3
        place = rng.choice(self.bank.places)
        online = 1 if rng.random() < 0.15 else 0
        event_type = rng.choice((None, "webinaire", "séminaire", "atelier", "formation", "rencontre"))
        rows = []
        for s in range(sessions):
            day = start_day + timedelta(days=s * step)
            if all_day:
                last = day + timedelta(days=rng.choice((0, 0, 1, 2)))
                starts, ends, utc = day.isoformat(), last.isoformat(), day.isoformat()
            else:
                hour = rng.choice((9, 9, 10, 14, 14, 18))
                start = datetime.combine(day, dtime(hour, rng.choice((0, 0, 30))), tzinfo=zone)
                end = start + timedelta(minutes=rng.choice((60, 90, 120, 180, 240)))
                starts, ends, utc = start.isoformat(), end.isoformat(), _utc(start)
                if rng.random() < 0.1:
                    ends = None
            name, address, postcode, city, departement, region = place
            if online:
                name, address, postcode, city, departement, region = "En ligne", None, None, None, None, None
            rows.append((f"{ident}/{starts}", ident, starts, ends, int(all_day), centre.timezone, utc,
                         name, address, postcode, city, departement, region, online, event_type))
        return rows

    def documents(self, ident, centre, url, title, day, theme) -> list[tuple]:
        rng = self.rng
        file_url = f"{centre.url.rstrip('/')}/wp-content/uploads/{day.year}/{url.rsplit('/', 1)[-1]}.pdf"
        if self.doc_shas and rng.random() < 0.02:
            sha = rng.choice(self.doc_shas)  # the same PDF published by another centre
        else:
            sha = hashlib.sha256(file_url.encode()).hexdigest()
            self.doc_shas.append(sha)
            if len(self.doc_shas) > 500:
                self.doc_shas.pop(0)
        error = "PDF chiffré : texte illisible" if rng.random() < 0.02 else None
        text = None if error else " ".join(rng.choice(self.bank.doc_sentences)
                                           for _ in range(rng.randint(4, 9)))
        created = datetime.combine(day, dtime(9, 0), tzinfo=self.zones[centre.id]).isoformat()
        doc_id = f"{ident}/{hashlib.sha256(file_url.encode()).hexdigest()[:12]}"
        return [(doc_id, ident, file_url, "application/pdf", rng.randint(40_000, 6_000_000),
                 rng.randint(2, 120), title, created, sha, text, error)]


ITEM_COLUMNS = ("id", "centre_id", "kind", "url", "title", "summary", "body_html", "body_text",
                "published_at", "updated_at", "first_seen_at", "last_seen_at", "status",
                "gone_since", "image_url", "language", "source_url", "method", "fetched_at",
                "content_hash", "fingerprint", "cluster_id", "themes", "search_stems")
EVENT_COLUMNS = ("id", "item_id", "starts_at", "ends_at", "all_day", "timezone", "starts_at_utc",
                 "location_name", "address", "postcode", "city", "departement", "region",
                 "online", "event_type")
DOC_COLUMNS = ("id", "item_id", "file_url", "media_type", "size_bytes", "pages", "title",
               "created_at", "sha256", "text", "error")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return (f"insert into [{table}] ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})")


def _set_aside(conn: sqlite3.Connection) -> list[str]:
    """Drop the secondary indexes and FTS triggers; return the SQL that puts them back."""
    rows = conn.execute("select type, name, sql from sqlite_master where sql is not null "
                        "and type in ('index', 'trigger')").fetchall()
    for kind, name, _sql in rows:
        conn.execute(f"drop {kind} [{name}]")
    return [sql for kind, _n, sql in sorted(rows, key=lambda r: r[0])]  # indexes, then triggers


def build(path: Path, n_items: int, source: Path = DEFAULT_SOURCE, seed: int = 1,
          today: date | None = None, log=print) -> dict:
    """Write a synthetic harvest database of `n_items` items at `path` (replaced)."""
    started = time.monotonic()
    path = Path(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    today = today or (date.fromisoformat(os.environ["CRPV_TODAY"]) if os.environ.get("CRPV_TODAY")
                      else date.today())
    bank = PhraseBank(source)
    gen = Generator(n_items, bank, seed, today)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    db.conn.commit()
    conn = db.conn
    conn.execute("PRAGMA journal_mode=DELETE")
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000",
                   "temp_store=MEMORY", "locking_mode=EXCLUSIVE", "foreign_keys=OFF"):
        conn.execute(f"PRAGMA {pragma}")
    restore = _set_aside(conn)
    conn.execute("begin")
    conn.executemany(_insert_sql("centres", tuple(gen.centres[0].as_row())),
                     [tuple(c.as_row().values()) for c in gen.centres])
    conn.executemany("insert or replace into themes (id, label, description) values (?, ?, ?)",
                     [(t.id, t.label, t.description) for t in gen.vocabulary.themes])
    batches = defaultdict(list)
    insert = {
        "items": _insert_sql("items", ITEM_COLUMNS),
        "events": _insert_sql("events", EVENT_COLUMNS),
        "documents": _insert_sql("documents", DOC_COLUMNS),
        "item_themes": _insert_sql("item_themes", ("item_id", "theme_id", "method", "score")),
        "item_urls": "insert or ignore into item_urls (url, item_id, first_seen_at) values (?, ?, ?)",
        "item_versions": _insert_sql("item_versions", ("item_id", "changed_at", "valid_from",
                                                       "changed_fields", "previous",
                                                       "previous_hash", "content_hash")),
        "fetch_state": "insert or ignore into fetch_state (url, centre_id, status, content_hash, "
                       "bytes, fetched_at, checked_at) values (?, ?, ?, ?, ?, ?, ?)",
    }

    def flush():
        for table, rows in batches.items():
            if rows:
                conn.executemany(insert[table], rows)
        batches.clear()

    counts = defaultdict(int)
    # A first crawl inserts the back catalogue in no particular order; later harvests append
    # the news of the day: most rows come in shuffled order, the newest tenth in date order.
    for n, (item, events, documents, themes, urls, version) in enumerate(gen.items()):
        batches["items"].append(tuple(item[c] for c in ITEM_COLUMNS))
        batches["events"].extend(events)
        batches["documents"].extend(documents)
        batches["item_themes"].extend(themes)
        batches["item_urls"].extend(urls)
        for u in urls[:1]:
            batches["fetch_state"].append((u[0], item["centre_id"], 200, item["content_hash"],
                                           len(item["body_html"]) + 9000, item["fetched_at"],
                                           item["last_seen_at"]))
        for d in documents:
            batches["fetch_state"].append((d[2], item["centre_id"], 200, d[8], d[4],
                                           item["fetched_at"], item["last_seen_at"]))
        if version:
            batches["item_versions"].append(version)
        counts["items"] += 1
        counts["events"] += len(events)
        counts["documents"] += len(documents)
        if (n + 1) % BATCH == 0:
            flush()
            if (n + 1) % (BATCH * 40) == 0:
                log(f"  {n + 1:,} items ({time.monotonic() - started:.0f} s)")
    flush()
    _harvest_log(conn, gen)
    rows_done = time.monotonic()
    log(f"  rows written in {rows_done - started:.0f} s; indexes and full-text indexes…")
    for sql in restore:
        if sql.lstrip().upper().startswith("CREATE TRIGGER"):
            continue
        conn.execute(sql)
    conn.execute("insert into items_fts(items_fts) values ('rebuild')")
    conn.execute("insert into documents_fts(documents_fts) values ('rebuild')")
    for sql in restore:
        if sql.lstrip().upper().startswith("CREATE TRIGGER"):
            conn.execute(sql)
    conn.commit()
    indexed = time.monotonic()
    log(f"  indexes in {indexed - rows_done:.0f} s; post-processing…")
    run_id = f"scale-{today.isoformat()}"
    with conn:  # pipelines.postprocess.after_harvest, its relay step replaced (see above)
        postprocess.store_vocabulary(db)
        _generated_clusters(conn, gen.relays)
        db["meta"].upsert({"key": "last_harvest_at", "value": _utc(gen.now)}, pk="key")
        db["meta"].upsert({"key": "last_run_id", "value": run_id}, pk="key")
    cluster_method = "relays made by the generator"
    conn.execute("PRAGMA locking_mode=NORMAL")
    conn.execute("PRAGMA journal_mode=WAL")  # as the harvest leaves it
    conn.execute("select count(*) from meta").fetchone()  # releases the exclusive lock
    db.close()
    seconds = time.monotonic() - started
    size = path.stat().st_size
    stats = {"items": counts["items"], "events": counts["events"], "documents": counts["documents"],
             "relays": len(gen.relays), "seconds": round(seconds, 1),
             "rows_seconds": round(rows_done - started, 1),
             "index_seconds": round(indexed - rows_done, 1),
             "bytes": size, "clusters": cluster_method, "today": today.isoformat()}
    log(f"  {path}: {counts['items']:,} items, {size / 1e9:.2f} GB in {seconds:.0f} s")
    return stats


def _generated_clusters(conn: sqlite3.Connection, relays: list[tuple[str, str]]) -> None:
    """cluster_id = the smallest id of each group of relays (the rule of `normalize.dedup`)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in relays:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for member in {m for pair in relays for m in pair}:
        groups[find(member)].append(member)
    conn.executemany("update items set cluster_id = ? where id = ?",
                     [(min(members), m) for members in groups.values() for m in members])


def _harvest_log(conn: sqlite3.Connection, gen: Generator) -> None:
    """Sources, a year of harvest runs (hourly light jobs the last month, else two a day) and
    their errors, as the scheduler leaves them."""
    rng = gen.rng
    sources, runs, errors = [], [], []
    kinds = ("feed", "sitemap", "ical", "listing", "listing", "page")
    for c in gen.centres:
        for k, kind in enumerate(kinds):
            url = f"{c.url.rstrip('/')}/{kind}-{k}"
            sources.append((f"{c.id}|{url}", c.id, url, kind, None, "registry",
                            _utc(gen.now - timedelta(days=365)), _utc(gen.now), 200, rng.randint(0, 60)))
    never, failing = gen.centres[-3].id, gen.centres[2].id
    for day in range(365, -1, -1):
        moments = [(2, "full"), (13, "light")] if day > 30 else \
            [(2, "full")] + [(h, "light") for h in range(24) if h != 2]
        for hour, mode in moments:
            started = datetime.combine(gen.today - timedelta(days=day), dtime(hour, 0), tzinfo=timezone.utc)
            if started >= gen.now:
                continue
            run_id = f"run-{started:%Y%m%dT%H}"
            for c in gen.centres:
                if c.id == never:
                    continue
                failed_run = c.id == failing and day == 0
                n_errors = rng.choice((0, 0, 0, 0, 1, 2)) if mode == "full" else 0
                finished = started + timedelta(minutes=rng.randint(1, 40))
                runs.append((run_id, c.id, mode, "failed" if failed_run else "completed",
                             _utc(started), _utc(finished), rng.randint(0, 5), rng.randint(0, 3),
                             rng.randint(20, 400), 0, n_errors, rng.randint(20, 500),
                             rng.randint(10, 400), rng.randint(10_000, 9_000_000),
                             rng.randint(20, 400),
                             "Le site ne répond pas (délai dépassé)." if failed_run else None))
                for e in range(n_errors + (2 if failed_run else 0)):
                    errors.append((run_id, c.id, f"{c.url.rstrip('/')}/page-{rng.randint(1, 9999)}",
                                   rng.choice(("http", "timeout", "pdf", "parse")),
                                   rng.choice(("HTTP 503 Service Unavailable", "Délai de 30 s dépassé",
                                               "PDF chiffré : texte illisible", "HTTP 404 Not Found")),
                                   _utc(finished)))
    conn.executemany(_insert_sql("sources", ("id", "centre_id", "url", "kind", "content",
                                             "discovered_from", "first_seen_at", "last_seen_at",
                                             "last_status", "items_found")), sources)
    conn.executemany(_insert_sql("harvest_runs", (
        "run_id", "centre_id", "mode", "status", "started_at", "finished_at", "new", "updated",
        "unchanged", "gone", "failed", "requests", "not_modified", "bytes", "items_seen",
        "message")), runs)
    conn.executemany(_insert_sql("harvest_errors", ("run_id", "centre_id", "url", "kind",
                                                    "message", "occurred_at")), errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", default="20k",
                        help="number of items, or one of " + ", ".join(SCALES))
    parser.add_argument("--out", type=Path, required=True, help="database file to write (replaced)")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="harvested database the phrase bank is read from (default: the demo's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    n = SCALES.get(str(args.items).lower()) or int(str(args.items).replace("_", ""))
    if not args.source.is_file():
        print(f"scale: {args.source}: phrase-bank database not found (build the demo first, "
              "or pass --source)", file=sys.stderr)
        return 2
    stats = build(args.out, n, args.source, args.seed, args.today)
    stats_path(args.out).write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(stats))
    return 0


def stats_path(db: Path) -> Path:
    """Where the build figures of a generated database are kept (read by bench/portal.py)."""
    return Path(str(db) + ".build.json")


if __name__ == "__main__":
    sys.exit(main())
