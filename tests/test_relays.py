"""Relay groups (`pipelines/relays.py`): exact groups for an edited relay, different stories on
one subject, the same event in two centres' calendars; no chaining; incremental updates."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlite_utils

from normalize.relays import Signature, estimate, exact, shingles, signature
from pipelines.relays import RELAYS_VERSION, update_relays
from pipelines.schema import ensure_schema

ORIGINAL = (
    "Le conseil de la Métropole de Lyon a adopté le contrat de ville Engagements Quartiers 2030, "
    "qui concerne trente-sept quartiers prioritaires dans dix-neuf communes. Le contrat fixe "
    "quatre priorités : l'emploi des jeunes, la réussite éducative, la santé de proximité et la "
    "transition écologique des logements sociaux. Les conseils citoyens ont été associés à "
    "l'écriture des fiches actions, et un comité de suivi se réunira deux fois par an avec les "
    "bailleurs, l'État et les communes pour mesurer l'avancement des engagements.")
SAME_SUBJECT = (
    "La Métropole de Lyon a réuni les conseils citoyens de Vaulx-en-Velin et de Bron pour un "
    "premier bilan du contrat de ville. Les habitants ont présenté les diagnostics en marchant "
    "menés dans les quartiers prioritaires, et demandé davantage de moyens pour la médiation "
    "sociale, l'accès aux droits et les locaux associatifs. Une nouvelle rencontre aura lieu au "
    "printemps pour suivre les réponses des bailleurs et des services de l'État.")


@pytest.fixture
def db():
    database = sqlite_utils.Database(memory=True)
    ensure_schema(database)
    for centre in ("irev", "oriv", "reseau", "resovilles"):
        database["centres"].insert({"id": centre, "name": centre, "url": f"https://{centre}.fr/",
                                    "timezone": "Europe/Paris"})
    return database


def add(db, ident, centre, title, text, kind="news", published="2026-10-14", starts=None, sha=None):
    db["items"].insert({
        "id": ident, "centre_id": centre, "kind": kind, "url": f"https://{centre}.fr/{ident}",
        "title": title, "body_text": text, "summary": text[:200], "published_at": published,
        "first_seen_at": "2026-10-15T00:00:00+00:00", "last_seen_at": "2026-10-15T00:00:00+00:00",
        "status": "active", "content_hash": hashlib.sha256(f"{title}{text}".encode()).hexdigest()})
    if starts:
        db["events"].insert({"id": f"{ident}/{starts}", "item_id": ident, "starts_at": starts,
                             "starts_at_utc": starts, "all_day": 0})
    if sha:
        db["documents"].insert({"id": f"{ident}/d", "item_id": ident, "file_url": f"https://x/{sha}.pdf",
                                "sha256": sha})


def groups(db) -> list[set[str]]:
    found: dict[str, set] = {}
    for row in db.query("select id, cluster_id from items where cluster_id is not null"):
        found.setdefault(row["cluster_id"], set()).add(row["id"])
    return sorted(found.values(), key=sorted)


def test_an_edited_relay_joins_its_original_and_a_same_subject_story_does_not(db):
    add(db, "a1", "irev", "Engagements Quartiers 2030 : la Métropole de Lyon adopte son contrat de ville",
        ORIGINAL)
    # A relay with an intro and a new title, cut after its second sentence.
    add(db, "b1", "reseau", "[Relais] La Métropole de Lyon adopte son contrat de ville",
        "Nous relayons cet article de l'IREV. " + ORIGINAL[:360], published="2026-10-16")
    # Another story of the same centre on the same subject, the same day.
    add(db, "a2", "irev", "Contrat de ville : les conseils citoyens de Lyon font le bilan", SAME_SUBJECT)
    # The same subject at another centre: a different story.
    add(db, "c1", "oriv", "Contrat de ville : premier bilan à Lyon",
        "À Rillieux-la-Pape, le contrat de ville a permis d'ouvrir une maison France Services "
        "et un point d'accueil pour l'emploi. La mairie et la Métropole de Lyon ont signé avec "
        "les bailleurs une convention de gestion urbaine de proximité, et les conseils citoyens "
        "suivront chaque trimestre la propreté des halls et l'éclairage des cheminements.",
        published="2026-10-20")
    stats = update_relays(db)
    assert groups(db) == [{"a1", "b1"}]
    assert (stats.read, stats.groups, stats.grouped) == (4, 1, 2)


def test_two_stories_of_one_centre_never_group_even_when_identical(db):
    add(db, "a1", "irev", "Le contrat de ville de Lyon", ORIGINAL)
    add(db, "a2", "irev", "Le contrat de ville de Lyon (rappel)", ORIGINAL, published="2026-10-20")
    update_relays(db)
    assert groups(db) == []


def test_the_same_event_in_two_calendars_is_one_group(db):
    add(db, "e1", "irev", "Webinaire : l'entrepreneuriat dans les quartiers",
        "Un webinaire de l'IREV avec les couveuses d'entreprises.", kind="event",
        starts="2026-12-10T13:30:00+00:00")
    add(db, "e2", "reseau", "Webinaire : l’entrepreneuriat dans les quartiers",
        "Rendez-vous proposé par l'IREV, en ligne, inscription obligatoire.", kind="event",
        starts="2026-12-10T13:30:00+00:00")
    # The same title another day is another session of a series, not a relay.
    add(db, "e3", "oriv", "Webinaire : l'entrepreneuriat dans les quartiers",
        "Un webinaire de l'ORIV.", kind="event", starts="2027-01-14T13:30:00+00:00")
    update_relays(db)
    assert groups(db) == [{"e1", "e2"}]


def test_the_same_file_from_two_centres_is_one_group(db):
    add(db, "d1", "irev", "Repères n°28", "Court.", kind="document", sha="f" * 64)
    add(db, "d2", "oriv", "Repères 28 : l'évaluation", "Autre texte.", kind="document", sha="f" * 64)
    update_relays(db)
    assert groups(db) == [{"d1", "d2"}]


def test_no_chaining_every_member_is_close_to_every_other(db):
    # b is close to a and to c, but a and c share little: a chain a-b-c is not a group.
    words = ORIGINAL.split()
    half = len(words) // 2
    add(db, "a", "irev", "Texte A", " ".join(words[:half]))
    add(db, "b", "oriv", "Texte B", " ".join(words))
    add(db, "c", "reseau", "Texte C", " ".join(words[half:]))
    update_relays(db)
    found = groups(db)
    assert len(found) == 1 and len(found[0]) == 2 and "b" in found[0]


def test_only_new_or_changed_items_are_read_again(db):
    add(db, "a1", "irev", "Engagements Quartiers 2030", ORIGINAL)
    add(db, "b1", "oriv", "Engagements Quartiers 2030 (relais)", ORIGINAL)
    first = update_relays(db)
    assert first.rebuilt and first.read == 2 and groups(db) == [{"a1", "b1"}]
    assert update_relays(db).read == 0
    db["items"].update("b1", {"body_text": SAME_SUBJECT, "content_hash": "changed"})
    again = update_relays(db)
    assert (again.read, again.rebuilt) == (1, False)
    assert groups(db) == []
    db["items"].update("a1", {"status": "gone"})
    update_relays(db)
    assert db.execute("select count(*) from item_signatures where item_id = 'a1'").fetchone()[0] == 0
    assert next(db.query("select value from meta where key = 'relays_version'"))["value"] == RELAYS_VERSION


def test_signature_estimates_follow_the_exact_figures():
    a = shingles("Contrat de ville", ORIGINAL)
    b = shingles("Contrat de ville", ORIGINAL[:300])
    sa, sb = signature(a), signature(b)
    jaccard, containment = exact(a, b)
    est_j, est_c = estimate(sa, sb)
    assert containment >= 0.95 and abs(est_c - containment) <= 0.25
    assert abs(est_j - jaccard) <= 0.2
    assert Signature.from_blob(sa.to_blob()).size == sa.size
    assert signature(shingles("Trop court", "trois mots")) is None


def test_signatures_are_datasketch_minhashes():
    """The MinHash arithmetic done here (without importing datasketch and scipy in every
    harvest) gives datasketch's own values, and so the signatures already stored."""
    from datasketch import MinHash

    from normalize.relays import NUM_PERM

    for text in (ORIGINAL, SAME_SUBJECT, ORIGINAL[:250]):
        hashes = shingles("Contrat de ville", text)
        reference = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
        reference.update_batch(hashes.tolist())
        assert signature(hashes).values.tolist() == reference.hashvalues.tolist()


def test_relays_more_than_six_months_apart_are_not_candidates(db):
    add(db, "a1", "irev", "Engagements Quartiers 2030", ORIGINAL, published="2025-01-10")
    add(db, "b1", "oriv", "Engagements Quartiers 2030", ORIGINAL, published="2025-09-10")
    add(db, "c1", "reseau", "Engagements Quartiers 2030", ORIGINAL, published="2025-03-01")
    update_relays(db)
    assert groups(db) == [{"a1", "c1"}]  # b1 comes more than six months after both
    days = {row["item_id"]: row["day"] for row in db.query("select distinct item_id, day from item_bands")}
    assert days["a1"] == date(2025, 1, 10).toordinal()


def test_a_database_indexed_by_version_2_is_rebuilt_with_dated_keys(db):
    db["item_bands"].drop()
    db["item_bands"].create({"key": int, "item_id": str}, pk=("key", "item_id"))
    db["meta"].insert({"key": "relays_version", "value": "2"})
    add(db, "a1", "irev", "Engagements Quartiers 2030", ORIGINAL)
    add(db, "b1", "oriv", "Engagements Quartiers 2030 (relais)", ORIGINAL)
    ensure_schema(db)  # what opening the database does: the new column, the old primary key
    assert update_relays(db).rebuilt
    assert db["item_bands"].pks == ["rowid"]
    assert {(tuple(ix.columns), ix.unique) for ix in db["item_bands"].indexes} == {
        (("key", "day", "item_id"), 1), (("item_id",), 0)}
    assert groups(db) == [{"a1", "b1"}]


def test_plausible_keeps_exactly_what_related_would_read_the_texts_of():
    """`plausible` (all candidates at once) sets aside what `related` refuses before reading a
    text, and nothing else: with texts that always match, both keep the same items."""
    from normalize.relays import RelayItem, plausible, related

    texts = [ORIGINAL, SAME_SUBJECT, ORIGINAL[:300], SAME_SUBJECT[:250], ORIGINAL[150:] + SAME_SUBJECT]
    signatures = [signature(shingles("Contrat de ville", t)) for t in texts]
    item = RelayItem("me", "irev", signature=signatures[0], day=740_000)
    others = [RelayItem(f"o{n}", centre, signature=sig, day=740_000 + shift)
              for n, (sig, centre, shift) in enumerate(
                  (s, c, d) for s in signatures for c in ("irev", "oriv") for d in (0, 120, 200))]
    others.append(RelayItem("same-event", "oriv", event="x|2026", day=741_000))
    item.event = "x|2026"
    always = shingles("Contrat de ville", ORIGINAL)
    expected = {o.id for o in others if related(item, o, lambda _: always)}
    assert plausible(item, others) == expected
    kept = {o.id: o for o in others if o.id in expected}
    assert "same-event" in kept  # the same event: no date, no text needed
    assert all(o.centre_id == "oriv" and o.day - item.day <= 180 for o in kept.values() if o.signature)
    assert len(kept) >= 4  # and the close texts of another centre within six months
