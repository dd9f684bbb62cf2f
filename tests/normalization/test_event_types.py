"""Event types from the publisher's categories, the title and the page text (exact values)."""

from __future__ import annotations

import pytest

from crawlers.items import PageItem
from normalize.event_types import event_type, label, vocabulary
from normalize.ics import CalendarEvent
from pipelines.normalize import event_rows


@pytest.mark.parametrize("title, categories, text, expected", [
    ("Webinaire : l'emploi des jeunes en QPV", (), None, "webinaire"),
    ("WEBINAIRE – Santé mentale", (), None, "webinaire"),
    ("Journée d'étude « Habiter les quartiers »", (), None, "seminaire"),
    ("Séminaire régional de la rénovation urbaine", (), None, "seminaire"),
    ("Cycle de qualification : la participation des habitants", (), None, "formation"),
    ("Santé et précarité", ["Formations"], None, "formation"),  # the category wins
    ("Atelier de formation des conseils citoyens", (), None, "atelier"),  # first word said
    ("Les Rencontres de la politique de la ville", (), None, "rencontre"),
    ("Visite de site à Dunkerque", (), None, "visite"),
    ("Table ronde : les cités éducatives", (), None, "conference"),
    ("Forum des associations", (), None, "forum"),
    ("Colloque national des CRPV", (), None, "colloque"),
    ("Assemblée générale de l'association", (), None, "reunion"),
    ("Santé et précarité", (), "Ce webinaire présente l'enquête.", "webinaire"),  # page text
    ("Santé et précarité", (), "Rien ne dit le format.", None),
    ("Reformation des équipes", (), None, None),  # whole words only
])
def test_event_type(title, categories, text, expected):
    assert event_type(title, categories, text) == expected


def test_vocabulary_labels_are_french():
    assert list(vocabulary().labels) == ["webinaire", "formation", "seminaire", "colloque",
                                         "conference", "forum", "atelier", "rencontre",
                                         "reunion", "visite", "exposition",
                                         "permanence"]
    assert label("seminaire") == "Séminaire" and label(None) is None


def test_event_rows_carry_the_type_of_the_calendar_event():
    occurrence = CalendarEvent(uid="u1", summary="Réunion du réseau", description=None,
                               url=None, location=None, starts_at="2027-01-12T09:30:00+01:00",
                               ends_at="2027-01-12T12:00:00+01:00", all_day=False,
                               timezone="Europe/Paris", categories=["Webinaire"])
    raw = PageItem(centre_id="irev", url="https://irev.test/agenda/x",
                   canonical_url="https://irev.test/agenda/x", kind_hint="event", method="ical",
                   source_url=None, fetched_at="", calendar_events=[occurrence])
    rows = event_rows(raw, "Europe/Paris", None)
    assert [(r["starts_at"], r["event_type"]) for r in rows] == [
        ("2027-01-12T09:30:00+01:00", "webinaire")]
