"""Places: parse_place on real French place prose, postcode → département → région."""

from __future__ import annotations

import pytest

from normalize.geo import DEPARTEMENTS, city_departement, departement_label
from normalize.places import Place, departement_of, parse_place, region_of

CASES = [
    ("Salle des fêtes, 12 rue Jean Jaurès, 59100 Roubaix",
     Place("Salle des fêtes", "12 rue Jean Jaurès", "59100", "Roubaix", "Nord (59)", "Hauts-de-France", False, "59")),
    ("Sélestat – Dans les locaux de l'AREAL (2 rue Saint Léonard)",
     Place("Locaux de l'AREAL", "2 rue Saint Léonard", None, "Sélestat", "Bas-Rhin (67)", "Grand Est", False, "67")),
    ("Maison de quartier des Trois-Cités, Poitiers (86)",
     Place("Maison de quartier des Trois-Cités", None, None, "Poitiers", "Vienne (86)", "Nouvelle-Aquitaine", False, "86")),
    ("En ligne", Place(online=True)),
    ("Lieu : En ligne !", Place(online=True)),
    ("Visioconférence (Zoom)", Place(online=True)),
    ("Webinaire", Place(online=True)),
    ("Fort-de-France (97200)",
     Place(None, None, "97200", "Fort-de-France", "Martinique (972)", "Martinique", False, "972")),
    ("Saintes (17)",
     Place(None, None, None, "Saintes", "Charente-Maritime (17)", "Nouvelle-Aquitaine", False, "17")),
    ("Hôtel de Région, 151 avenue du Président Hoover, 59555 LILLE CEDEX",
     Place("Hôtel de Région", "151 avenue du Président Hoover", "59555", "Lille", "Nord (59)", "Hauts-de-France", False, "59")),
    ("Maison des Métiers de la Ville, 13 av. Léon Blum, 25200 Montbéliard",
     Place("Maison des Métiers de la Ville", "13 av. Léon Blum", "25200", "Montbéliard", "Doubs (25)", "Bourgogne-Franche-Comté", False, "25")),
    ("Centre social Ambroise Croizat – 15 rue Catulienne – 93200 Saint-Denis",
     Place("Centre social Ambroise Croizat", "15 rue Catulienne", "93200", "Saint-Denis", "Seine-Saint-Denis (93)", "Île-de-France", False, "93")),
    ("Espace Malraux 12 rue de la Paix 97400 SAINT-DENIS",
     Place("Espace Malraux", "12 rue de la Paix", "97400", "Saint-Denis", "La Réunion (974)", "La Réunion", False, "974")),
    ("RésO Villes, 2 rue Meuris, Nantes",
     Place("RésO Villes", "2 rue Meuris", None, "Nantes", "Loire-Atlantique (44)", "Pays de la Loire", False, "44")),
    ("à l'Irev (Lille)",
     Place("Irev", None, None, "Lille", "Nord (59)", "Hauts-de-France", False, "59")),
    ("Lille et en ligne",
     Place(None, None, None, "Lille", "Nord (59)", "Hauts-de-France", True, "59")),
    ("En présentiel à Reims et en visioconférence",
     Place(None, None, None, "Reims", "Marne (51)", "Grand Est", True, "51")),
    ("Maison des associations à Lyon",
     Place("Maison des associations", None, None, "Lyon", "Rhône (69)", "Auvergne-Rhône-Alpes", False, "69")),
    ("75011 Paris", Place(None, None, "75011", "Paris", "Paris (75)", "Île-de-France", False, "75")),
    ("Marseille 13003",
     Place(None, None, "13003", "Marseille", "Bouches-du-Rhône (13)", "Provence-Alpes-Côte d'Azur", False, "13")),
    ("69007", Place(None, None, "69007", "Lyon", "Rhône (69)", "Auvergne-Rhône-Alpes", False, "69")),
    ("20200 Bastia", Place(None, None, "20200", "Bastia", "Haute-Corse (2B)", "Corse", False, "2B")),
    ("Ajaccio (2A)", Place(None, None, None, "Ajaccio", "Corse-du-Sud (2A)", "Corse", False, "2A")),
    ("Mamoudzou, Mayotte", Place(None, None, None, "Mamoudzou", "Mayotte (976)", "Mayotte", False, "976")),
    ("Roubaix", Place(None, None, None, "Roubaix", "Nord (59)", "Hauts-de-France", False, "59")),
    ("Salle 3, Maison des associations", Place("Salle 3, Maison des associations")),
    ("Préfecture, Place de la République, Strasbourg",
     Place("Préfecture", "Place de la République", None, "Strasbourg", "Bas-Rhin (67)", "Grand Est", False, "67")),
    ("", Place()),
    (None, Place()),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[str(c[0])[:40] for c in CASES])
def test_parse_place(text, expected):
    assert parse_place(text) == expected


def test_invariants_over_cases():
    for text, _ in CASES:
        place = parse_place(text)
        if place.postcode:
            assert len(place.postcode) == 5 and place.postcode.isdigit()
        if place.departement_code:
            assert place.departement == departement_label(place.departement_code)
            assert place.region == region_of(place.departement_code)
        for value in (place.location_name, place.address, place.city):
            assert value is None or (value == value.strip() and value)


@pytest.mark.parametrize(
    "postcode,code",
    [
        ("59100", "59"), ("01000", "01"), ("75116", "75"), ("69009", "69"), ("13016", "13"),
        ("20000", "2A"), ("20090", "2A"), ("20137", "2A"), ("20200", "2B"), ("20250", "2B"),
        ("20600", "2B"), ("97110", "971"), ("97200", "972"), ("97300", "973"), ("97400", "974"),
        ("97600", "976"), ("97133", "977"), ("97150", "978"), ("98000", None), ("98800", "988"),
        ("00100", None), ("5910", None), ("ABCDE", None), ("", None), (None, None),
    ],
)
def test_departement_of(postcode, code):
    assert departement_of(postcode) == code


@pytest.mark.parametrize(
    "code,region",
    [("59", "Hauts-de-France"), ("67", "Grand Est"), ("2A", "Corse"), ("2b", "Corse"),
     ("93", "Île-de-France"), ("972", "Martinique"), ("974", "La Réunion"), ("976", "Mayotte"),
     ("33", "Nouvelle-Aquitaine"), ("34", "Occitanie"), ("975", None), ("99", None), (None, None)],
)
def test_region_of(code, region):
    assert region_of(code) == region


def test_every_metropolitan_and_overseas_departement_has_a_region():
    regional = [c for c in DEPARTEMENTS if c not in {"975", "977", "978", "986", "987", "988"}]
    assert len(regional) == 101
    assert all(region_of(c) for c in regional)


def test_ambiguous_cities_are_not_guessed():
    assert city_departement("Saint-Denis") is None
    assert city_departement("SELESTAT") == "67"
