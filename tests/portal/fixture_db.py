"""A realistic small portal database for the portal and browser tests.

Built with the real schema (`pipelines.schema.ensure_schema`) and the real registry, so the
portal is exercised on the same tables the harvest fills: ~20 centres, items of every kind
with themes, upcoming events in Paris and Martinique (timed, all-day multi-day, sessions),
documents with PDF text, harvest runs and errors, a relay cluster, a gone item and a
hostile title. Event dates are relative to `today` so "upcoming" stays upcoming.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from crawlers.registry import load_registry
from normalize.search import stem_text
from normalize.themes import load_vocabulary
from pipelines.schema import ensure_schema

HOSTILE_TITLE = '<script>alert("x")</script>'

# The real shared vocabulary (data/themes.yaml), so theme ids and labels match the harvest.
THEMES = {t.id: t.label for t in load_vocabulary().themes}


def item_id(centre_id: str, url: str) -> str:
    """A stable id for a fixture item (the pipeline has its own, same shape)."""
    return hashlib.sha256(f"{centre_id}|{url}".encode()).hexdigest()[:16]


def _local(day: date, hh: int, mm: int, tz: str) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZoneInfo(tz))


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def _utc(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def _items(today: date) -> list[dict]:
    """The fixture items, each with optional `events`, `document`, `themes`, `cluster`."""
    y = today.year
    d = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    return [
        dict(centre="irev", kind="news", path="/actualites/emploi-jeunes-qpv",
             title="L'emploi des jeunes dans les quartiers prioritaires",
             summary="Le taux d'emploi des jeunes des QPV reste inférieur de 20 points à celui "
                     "des autres quartiers : l'IREV publie un état des lieux régional.",
             body="Dans les quartiers prioritaires de la politique de la ville (QPV), l'accès à "
                  "l'emploi des jeunes reste difficile. Les missions locales et les employeurs "
                  "du territoire témoignent.",
             published=d(-2), themes=["emploi_economie", "education_jeunesse"]),
        dict(centre="oriv", kind="news", path="/2026/renovation-urbaine-bilan",
             title="Rénovation urbaine : premier bilan du NPNRU en Alsace",
             summary="Démolitions, reconstructions et relogement : ce que change le nouveau "
                     "programme de renouvellement urbain pour les habitants.",
             body="La rénovation urbaine transforme les quartiers. Le NPNRU finance les projets "
                  "de renouvellement urbain portés par les collectivités.",
             published=d(-5), themes=["renouvellement_urbain"]),
        dict(centre="labo_cites", kind="news", path="/sante-mentale-habitants",
             title="Santé mentale des habitants des QPV (quartiers prioritaires)",
             summary="Retour sur la journée régionale consacrée à la santé mentale.",
             body="Les ateliers santé ville (ASV) et les conseils locaux de santé mentale "
                  "coordonnent l'action publique en santé.",
             published=d(-9), themes=["sante"]),
        dict(centre="profession_banlieue", kind="news", path="/actualite/cites-educatives",
             title="Cités éducatives : les territoires labellisés en 2026",
             summary="La liste des nouvelles cités éducatives et les contacts des équipes projet.",
             body="Le programme des cités éducatives rassemble l'école, les familles et les "
                  "associations autour de l'éducation des enfants et des jeunes.",
             published=f"{y}-01-15", themes=["education_jeunesse"], cluster="c-cites"),
        dict(centre="reseau_crpv", kind="news", path="/relais/cites-educatives",
             title="Cités éducatives : les territoires labellisés",
             summary="Relais de l'information publiée par Profession Banlieue.",
             body="Le programme des cités éducatives rassemble l'école, les familles et les "
                  "associations autour de l'éducation des enfants.",
             published=f"{y}-01-16", themes=["education_jeunesse"], cluster="c-cites"),
        dict(centre="ville_caraibe", kind="news", path="/actualites/conseils-citoyens",
             title="Conseils citoyens : renouvellement des membres en Martinique",
             summary="Appel à candidatures pour les conseils citoyens de Fort-de-France.",
             body="La participation des habitants passe par les conseils citoyens.",
             published=f"{y - 1}-11-20T10:00:00-04:00", themes=["participation"]),
        dict(centre="cr_csur", kind="news", path="/actu/mobilite",
             title="Mobilité et accès aux droits à La Réunion",
             summary="Une étude sur la mobilité des habitants des quartiers de Saint-Denis.",
             body="Transport, permis de conduire et accès aux droits.",
             published=f"{y - 1}-06-03", themes=["emploi_economie"]),
        dict(centre="irev", kind="news", path="/actualites/hostile",
             title=HOSTILE_TITLE,
             summary='Un titre piégé "<img src=x onerror=alert(1)>" doit rester du texte.',
             body='Texte <script>alert("corps")</script> visible.',
             body_html='<p>Texte <b>gras</b></p><script>alert("corps")</script>'
                       '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">lien</a>',
             published=d(-1), themes=["participation"]),
        dict(centre="oriv", kind="news", path="/ancienne-actualite", status="gone",
             title="Actualité retirée par le centre", summary="Cet élément a disparu.",
             body="", published=f"{y - 1}-02-01", themes=[]),
        # Events
        dict(centre="irev", kind="event", path="/agenda/webinaire-emploi",
             title="Webinaire : l'emploi des femmes dans les QPV",
             summary="Un webinaire pour partager les initiatives locales en faveur de l'emploi.",
             body="Inscription gratuite, lien envoyé la veille.",
             published=d(-3), themes=["emploi_economie"],
             events=[dict(start=(5, 9, 30), end=(5, 12, 0), tz="Europe/Paris",
                          location_name="En ligne", city=None, online=1)]),
        dict(centre="resovilles", kind="event", path="/agenda/seminaire-renovation",
             title="Séminaire régional rénovation urbaine et habitat",
             summary="Deux jours d'échanges entre professionnels du renouvellement urbain.",
             body="Visites de sites et ateliers.",
             published=d(-20), themes=["renouvellement_urbain"],
             events=[dict(all_day=True, start_day=20, end_day=22, tz="Europe/Paris",
                          location_name="Maison de quartier Malakoff", city="Nantes",
                          postcode="44000")]),
        dict(centre="ville_caraibe", kind="event", path="/agenda/rencontre-jeunesse",
             title="Rencontre jeunesse et insertion à Fort-de-France",
             summary="Rencontre des acteurs de l'insertion des jeunes en Martinique.",
             body="Programme : tables rondes, témoignages.",
             published=d(-4), themes=["education_jeunesse", "emploi_economie"],
             events=[dict(start=(12, 14, 0), end=(12, 16, 30), tz="America/Martinique",
                          location_name="Atrium", city="Fort-de-France", postcode="97200")]),
        dict(centre="labo_cites", kind="event", path="/agenda/cycle-sante",
             title="Cycle de qualification santé et territoires",
             summary="Deux sessions de qualification pour les coordinateurs ASV.",
             body="Session 1 puis session 2.",
             published=d(-30), themes=["sante"],
             events=[dict(start=(-7, 9, 0), end=(-7, 17, 0), tz="Europe/Paris",
                          location_name="Labo Cités", city="Lyon", postcode="69001"),
                     dict(start=(33, 9, 0), end=(33, 17, 0), tz="Europe/Paris",
                          location_name="Labo Cités", city="Lyon", postcode="69001")]),
        dict(centre="crpve", kind="event", path="/agenda/passe",
             title="Atelier passé sur la participation",
             summary="Atelier qui a déjà eu lieu.", body="",
             published=d(-40), themes=["participation"],
             events=[dict(start=(-10, 14, 0), end=(-10, 16, 0), tz="Europe/Paris",
                          location_name="Évry", city="Évry-Courcouronnes", postcode="91000")]),
        dict(centre="crpv_guyane", kind="event", path="/agenda/forum",
             title="Forum des associations des quartiers de Cayenne",
             summary="Le forum annuel des associations.", body="",
             published=d(-6), themes=["participation"],
             events=[dict(start=(45, 8, 0), end=None, tz="America/Cayenne",
                          location_name=None, city="Cayenne", postcode="97300")]),
        # Documents
        dict(centre="oriv", kind="document", path="/docs/guide-participation",
             title="Guide de la participation citoyenne",
             summary="Un guide pratique pour animer les conseils citoyens.",
             body="Présentation du guide.", published=d(-12), themes=["participation"],
             document=dict(file="/wp-content/uploads/guide-participation.pdf", pages=48,
                           size=2_345_678,
                           text="Chapitre 3 : le cofinancement des actions par le contrat de "
                                "ville. Les habitants des quartiers prioritaires participent.")),
        dict(centre="villes_au_carre", kind="document", path="/ressources/rapport-education",
             title="Rapport : réussite éducative et décrochage scolaire",
             summary="Analyse des programmes de réussite éducative en Centre-Val de Loire.",
             body="", published=f"{y - 1}-09-10", themes=["education_jeunesse"],
             document=dict(file="/files/rapport-education.pdf", pages=112, size=5_120_000,
                           text="Le programme de réussite éducative (PRE) accompagne les "
                                "enfants des QPV. Décrochage scolaire et santé des élèves.")),
        dict(centre="pqn_a", kind="document", path="/publications/cahier-emploi",
             title="Cahier de l'emploi dans les quartiers",
             summary="Chiffres clés de l'emploi et du chômage en Nouvelle-Aquitaine.",
             body="", published=d(-25), themes=["emploi_economie"],
             document=dict(file="/publications/cahier-emploi.pdf", pages=24, size=812_000,
                           text="Le chômage des jeunes dans les quartiers prioritaires.")),
    ]


def build_fixture_db(path: Path | str, today: date | None = None) -> Path:
    """Write the fixture database at `path` (replaced if present) and return the path."""
    path = Path(path)
    today = today or date.today()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    registry = load_registry()
    db["centres"].insert_all([c.as_row() for c in registry.centres], pk="id")
    # The reuse policy's two branches: IREV allows its full texts, every other centre the
    # registry's default (excerpt: title, summary, link).
    db["centres"].update("irev", {"reuse": "full"})
    db["themes"].insert_all(
        [{"id": t.id, "label": t.label, "description": t.description}
         for t in load_vocabulary().themes],
        pk="id",
    )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    seen = (now - timedelta(hours=2)).isoformat()
    for spec in _items(today):
        _insert_item(db, registry, spec, today, seen)
    _insert_runs(db, registry, now)
    db["meta"].upsert({"key": "last_harvest_at", "value": now.isoformat()}, pk="key")
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def _insert_item(db, registry, spec: dict, today: date, seen: str) -> None:
    centre = registry.get(spec["centre"])
    url = centre.url.rstrip("/") + spec["path"]
    iid = item_id(centre.id, url)
    labels = [THEMES[t] for t in spec["themes"]]
    body = spec["body"]
    db["items"].insert({
        "id": iid, "centre_id": centre.id, "kind": spec["kind"], "url": url,
        "title": spec["title"], "summary": spec["summary"],
        "body_html": spec.get("body_html") or (f"<p>{body}</p>" if body else None),
        "body_text": body, "published_at": spec["published"],
        "first_seen_at": seen, "last_seen_at": seen,
        "status": spec.get("status", "active"),
        "gone_since": seen if spec.get("status") == "gone" else None,
        "language": "fr", "source_url": centre.url, "method": "html", "fetched_at": seen,
        "content_hash": hashlib.sha256(spec["title"].encode()).hexdigest(),
        "fingerprint": spec.get("cluster") or iid, "cluster_id": spec.get("cluster"),
        "themes": json.dumps(labels, ensure_ascii=False),
        "search_stems": stem_text(" ".join([spec["title"], spec["summary"], body])),
    })
    for theme in spec["themes"]:
        db["item_themes"].insert({"item_id": iid, "theme_id": theme, "method": "keywords", "score": 2.0})
    for ev in spec.get("events", []):
        db["events"].insert(_event_row(iid, ev, today))
    if doc := spec.get("document"):
        file_url = centre.url.rstrip("/") + doc["file"]
        db["documents"].insert({
            "id": item_id(iid, file_url), "item_id": iid, "file_url": file_url,
            "media_type": "application/pdf", "size_bytes": doc["size"], "pages": doc["pages"],
            "title": spec["title"], "sha256": hashlib.sha256(file_url.encode()).hexdigest(),
            "text": doc["text"],
        })


def _event_row(iid: str, ev: dict, today: date) -> dict:
    tz = ev["tz"]
    row = {"item_id": iid, "timezone": tz, "location_name": ev.get("location_name"),
           "city": ev.get("city"), "postcode": ev.get("postcode"), "online": ev.get("online", 0)}
    if ev.get("all_day"):
        start = today + timedelta(days=ev["start_day"])
        end = today + timedelta(days=ev["end_day"])
        row.update(starts_at=start.isoformat(), ends_at=end.isoformat(), all_day=1,
                   starts_at_utc=_utc(datetime.combine(start, time(0), tzinfo=ZoneInfo(tz))))
    else:
        days, hh, mm = ev["start"]
        start = _local(today + timedelta(days=days), hh, mm, tz)
        end = None
        if ev.get("end"):
            edays, ehh, emm = ev["end"]
            end = _local(today + timedelta(days=edays), ehh, emm, tz)
        row.update(starts_at=_iso(start), ends_at=_iso(end) if end else None, all_day=0,
                   starts_at_utc=_utc(start))
    row["id"] = item_id(iid, row["starts_at"])
    return row


def _insert_runs(db, registry, now: datetime) -> None:
    """One completed run per centre two hours ago; a failed last run for one; none for one."""
    never = "maore_ouvoimoja"
    failing = "normanvilles"
    earlier = (now - timedelta(days=1)).isoformat()
    started = (now - timedelta(hours=2)).isoformat()
    finished = (now - timedelta(hours=2) + timedelta(minutes=3)).isoformat()
    for centre in registry.centres:
        if centre.id == never:
            continue
        if centre.id == failing:
            db["harvest_runs"].insert({
                "run_id": "run-0", "centre_id": centre.id, "mode": "full", "status": "completed",
                "started_at": earlier, "finished_at": earlier, "new": 3, "updated": 0,
                "unchanged": 0, "gone": 0, "failed": 0, "requests": 12, "not_modified": 0,
                "bytes": 120_000, "items_seen": 3})
            db["harvest_runs"].insert({
                "run_id": "run-1", "centre_id": centre.id, "mode": "light", "status": "failed",
                "started_at": started, "finished_at": finished, "new": 0, "updated": 0,
                "unchanged": 0, "gone": 0, "failed": 2, "requests": 2, "not_modified": 0,
                "bytes": 0, "items_seen": 0,
                "message": "Le site ne répond pas (délai dépassé)."})
            for url, kind, message in (
                (centre.url, "timeout", "Délai de 30 s dépassé"),
                (centre.url + "feed/", "http", "HTTP 503 Service Unavailable"),
            ):
                db["harvest_errors"].insert({
                    "run_id": "run-1", "centre_id": centre.id, "url": url, "kind": kind,
                    "message": message, "occurred_at": finished})
            continue
        db["harvest_runs"].insert({
            "run_id": "run-1", "centre_id": centre.id, "mode": "light", "status": "completed",
            "started_at": started, "finished_at": finished, "new": 2, "updated": 1,
            "unchanged": 10, "gone": 0, "failed": 1 if centre.id == "oriv" else 0,
            "requests": 15, "not_modified": 9, "bytes": 250_000, "items_seen": 13})
    db["harvest_errors"].insert({
        "run_id": "run-1", "centre_id": "oriv", "url": "https://www.oriv.org/doc-cassé.pdf",
        "kind": "pdf", "message": "PDF chiffré : texte illisible", "occurred_at": finished})
