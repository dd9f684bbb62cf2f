"""pipelines/places.py: item_places, item_actions and the communes table, incrementally."""

from __future__ import annotations

import json

from pipelines.places import update_places
from pipelines.places_alongside import PlacesAlongside
from pipelines.schema import open_database


def _item(db, item_id, kind, title, body, content_hash="h1", url=None):
    db["items"].insert({"id": item_id, "centre_id": "irev", "kind": kind, "title": title,
                        "url": url or f"https://irev.fr/{item_id}", "body_text": body,
                        "first_seen_at": "2026-12-01T00:00:00Z", "last_seen_at": "2026-12-01T00:00:00Z",
                        "status": "active", "content_hash": content_hash}, alter=False)


def test_places_and_actions(tmp_path):
    db = open_database(tmp_path / "p.db")
    db["centres"].insert({"id": "irev", "name": "IREV", "url": "https://irev.fr/", "timezone": "Europe/Paris",
                          "region_code": "32", "territory": "Hauts-de-France",
                          "action_sections": json.dumps(["https://irev.fr/projets/"])}, alter=False)
    _item(db, "a", "document", "Fiche expérience – Roubaix (Alma-Gare) : les jardins partagés",
          "Dans le quartier de l'Alma, à Roubaix, des habitants cultivent un jardin.")
    _item(db, "b", "news", "Appel à projets 2026", "Les dossiers sont à déposer avant mars.")
    _item(db, "c", "news", "Les jardins de Fives", "À Lille, un jardin.", url="https://irev.fr/projets/fives")
    _item(db, "d", "event", "Rencontre régionale", "Une journée d'échanges.")
    db["events"].insert({"id": "d1", "item_id": "d", "starts_at": "2027-01-10", "all_day": 1,
                         "city": "Saint-Denis", "postcode": "97400"}, alter=False)
    assert update_places(db) == 4
    places = {(r["item_id"], r["commune"]): r for r in db.query("select * from item_places")}
    assert set(places) == {("a", "59512"), ("c", "59350"), ("d", "97411")}
    assert json.loads(places[("a", "59512")]["quartiers"]) == ["Alma-Gare", "Alma"]
    assert places[("d", "97411")]["source"] == "lieu"
    assert {r["item_id"] for r in db.query("select item_id from item_actions")} == {"a", "c"}
    assert db["communes"].get("59512")["region_nom"] == "Hauts-de-France"
    assert db.execute("select count(*) from communes").fetchone()[0] > 34_000

    assert update_places(db) == 0  # nothing changed: nothing read again
    db.execute("update items set title = 'Un jardin à Tourcoing', body_text = '', content_hash = 'h2' "
               "where id = 'a'")
    db.conn.commit()
    assert update_places(db) == 1
    assert [r["commune"] for r in db.query("select commune from item_places where item_id = 'a'")] == ["59599"]
    assert not db.execute("select 1 from item_actions where item_id = 'a'").fetchone()


def _two_centres(path):
    db = open_database(path)
    for centre, region in (("irev", "32"), ("reso_villes", "53")):
        db["centres"].insert({"id": centre, "name": centre, "url": f"https://{centre}.fr/",
                              "timezone": "Europe/Paris", "region_code": region}, alter=False)
    _item(db, "a", "news", "Les jardins de Fives", "À Lille, un jardin partagé.")
    _item(db, "b", "news", "Forum à Roubaix", "Un forum de l'emploi à Roubaix.")
    db["items"].insert({"id": "r", "centre_id": "reso_villes", "kind": "news", "url": "https://reso_villes.fr/r",
                        "title": "Rennes : le Blosne", "body_text": "Au Blosne, à Rennes.",
                        "first_seen_at": "2026-12-01T00:00:00Z", "last_seen_at": "2026-12-01T00:00:00Z",
                        "status": "active", "content_hash": "h1"}, alter=False)
    db.conn.commit()
    return db


def test_one_centre_is_read_on_its_own(tmp_path):
    db = _two_centres(tmp_path / "p.db")
    assert update_places(db, centre_id="irev") == 2
    assert {r[0] for r in db.execute("select item_id from item_analyses")} == {"a", "b"}
    assert update_places(db) == 1  # the other centre only


def test_places_are_read_beside_the_crawl_and_after_harvest_finds_nothing_left(tmp_path):
    path = tmp_path / "p.db"
    db = _two_centres(path)
    alongside = PlacesAlongside(path)
    alongside.centre_done("irev")  # its crawl ended: a child reads it while others crawl
    alongside.centre_done("reso_villes")
    alongside.finish()
    assert alongside._process is None
    places = {(r[0], r[1]) for r in db.execute("select item_id, commune from item_places")}
    assert places == {("a", "59350"), ("b", "59512"), ("r", "35238")}
    assert update_places(db) == 0  # after_harvest's pass: nothing left


def test_a_child_that_fails_leaves_the_places_to_after_harvest(tmp_path, caplog):
    path = tmp_path / "p.db"
    db = _two_centres(path)
    alongside = PlacesAlongside(tmp_path / "missing" / "p.db")  # cannot open its database
    alongside.centre_done("irev")
    alongside.finish()
    assert "places beside the crawl stopped" in caplog.text
    assert update_places(db) == 3
