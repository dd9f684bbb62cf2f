"""Event date and place found in running prose (SPIP and home-made sites)."""

from __future__ import annotations

import pytest

from normalize.prose import event_sentence, split_when_where

BODY = (
    "Un atelier pour outiller les équipes projet qui conduisent un diagnostic avec les habitants.\n\n"
    "Rendez-vous le jeudi 12 mars de 9h30 à 12h30 à la Maison des habitants, 8 rue de Suède, "
    "35200 Rennes.\n\nInscription gratuite mais obligatoire avant le 5 mars auprès du centre."
)


def test_event_sentence_prefers_the_dated_sentence_with_hours():
    assert event_sentence(BODY).startswith("Rendez-vous le jeudi 12 mars de 9h30")


@pytest.mark.parametrize("text", [
    "Le contrat de ville a été signé le 3 mars 2024 par le préfet.",
    "Inscriptions jusqu'au 18 novembre 2024.",
    "Aucune date dans ce texte, seulement 12 rue de la Paix.",
    "",
])
def test_no_event_sentence(text):
    assert event_sentence(text) is None


@pytest.mark.parametrize("sentence,when,where", [
    ("Rendez-vous le jeudi 12 mars de 9h30 à 12h30 à la Maison des habitants, 8 rue de Suède, 35200 Rennes.",
     "Rendez-vous le jeudi 12 mars de 9h30 à 12h30", "Maison des habitants, 8 rue de Suède, 35200 Rennes"),
    ("Le mardi 7 avril 2026, de 14h à 17h, au centre social de Bellevue, 1 rue Pierre-Trépos, 29200 Brest.",
     "Le mardi 7 avril 2026 de 14h à 17h", "Centre social de Bellevue, 1 rue Pierre-Trépos, 29200 Brest"),
    ("Jeudi 11 juin, 18h30-20h30, médiathèque de Kermoysan, 2 rue de Bretagne, 29000 Quimper.",
     "Jeudi 11 juin 18h30-20h30", "Médiathèque de Kermoysan, 2 rue de Bretagne, 29000 Quimper"),
    ("Du 1er au 3 juillet 2026, au campus Mazier, 2 avenue Antoine-Mazier, 22000 Saint-Brieuc.",
     "Du 1er au 3 juillet 2026", "Campus Mazier, 2 avenue Antoine-Mazier, 22000 Saint-Brieuc"),
    ("Webinaire le mardi 22 septembre 2026 de 11h à 12h30 (en ligne, inscription obligatoire).",
     "Webinaire le mardi 22 septembre 2026 de 11h à 12h30", "En ligne"),
])
def test_split_when_where(sentence, when, where):
    assert split_when_where(sentence) == (when, where)
